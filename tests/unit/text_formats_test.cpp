// The one home of each small text format (#21): UTC stamps in file names, CSV (RFC 4180) and unit
// counts.
#include <string>

#include <gtest/gtest.h>

#include "injmap/models/csv.hpp"
#include "injmap/protocols/record_time.hpp"
#include "injmap/units_format.hpp"

using namespace injmap;

TEST(UtcStamp, IsTheCompactFormOfAnIso8601Time) {
    const std::string stamp = utc_stamp();
    ASSERT_EQ(stamp.size(), 16u) << stamp;
    EXPECT_EQ(stamp[8], 'T');
    EXPECT_EQ(stamp[15], 'Z');
    // "20240501T093000Z" → "2024-05-01T09:30:00Z", which the record's reader accepts.
    const std::string iso = stamp.substr(0, 4) + "-" + stamp.substr(4, 2) + "-" +
                            stamp.substr(6, 2) + "T" + stamp.substr(9, 2) + ":" +
                            stamp.substr(11, 2) + ":" + stamp.substr(13, 2) + "Z";
    EXPECT_TRUE(parse_iso8601_utc(iso)) << stamp;
}

TEST(Csv, FieldsAreQuotedOnlyWhenTheyMustBe) {
    EXPECT_EQ(csv_field("glabella_c"), "glabella_c");
    EXPECT_EQ(csv_field(""), "");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"no\""), "\"say \"\"no\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
    EXPECT_EQ(csv_field(" spaces kept "), " spaces kept ");
    EXPECT_EQ(csv_row({"a", "", "b,c"}), "a,,\"b,c\"\n");
    EXPECT_EQ(csv_row(std::vector<std::string>{"x"}), "x\n");
}

TEST(Csv, ReaderHonoursQuotesCommasAndEmbeddedNewlines) {
    const auto r = parse_csv("id,reason\n"
                             "a,\"pain, mild\"\n"
                             "b,\"said \"\"stop\"\"\"\n"
                             "c,\"first line\nsecond line\"\n"
                             "d,last\n");
    ASSERT_FALSE(r.unterminated);
    ASSERT_EQ(r.rows.size(), 5u);
    EXPECT_EQ(r.rows[1].fields[1].text, "pain, mild");
    EXPECT_TRUE(r.rows[1].fields[1].quoted);
    EXPECT_EQ(r.rows[2].fields[1].text, "said \"stop\"");
    EXPECT_EQ(r.rows[3].fields.size(), 2u);
    EXPECT_EQ(r.rows[3].fields[1].text, "first line\nsecond line");
    // Rows and fields know the line they begin on: the embedded newline counts.
    EXPECT_EQ(r.rows[3].line, 4);
    EXPECT_EQ(r.rows[4].line, 6);
    EXPECT_EQ(r.rows[4].fields[0].text, "d");
    EXPECT_EQ(r.rows[4].fields[1].column, 3);
}

TEST(Csv, EmptyFieldsCrlfAndLoneCr) {
    const auto r = parse_csv(",,\r\na,,b\r\n\r\nlast\rtail");
    ASSERT_FALSE(r.unterminated);
    ASSERT_EQ(r.rows.size(), 5u);
    EXPECT_EQ(r.rows[0].fields.size(), 3u);
    for (const auto& f : r.rows[0].fields)
        EXPECT_EQ(f.text, "");
    ASSERT_EQ(r.rows[1].fields.size(), 3u);
    EXPECT_EQ(r.rows[1].fields[1].text, "");
    EXPECT_EQ(r.rows[1].fields[2].text, "b"); // no CR left on the last field
    EXPECT_EQ(r.rows[1].line, 2);
    EXPECT_EQ(r.rows[2].fields.size(), 1u); // an empty line: one empty field
    EXPECT_EQ(r.rows[3].fields[0].text, "last");
    EXPECT_EQ(r.rows[4].fields[0].text, "tail"); // no newline at the end
    EXPECT_EQ(r.rows[4].line, 5);
    // A quoted CRLF is kept as text.
    const auto q = parse_csv("\"a\r\nb\",c\r\n");
    ASSERT_EQ(q.rows.size(), 1u);
    EXPECT_EQ(q.rows[0].fields[0].text, "a\r\nb");
    EXPECT_EQ(q.rows[0].fields[1].text, "c");
}

TEST(Csv, WhatTheWriterWritesTheReaderReadsBack) {
    const std::vector<std::string> fields = {"plain",   "",          "a,b",
                                             "q\"uote", "new\nline", "cr\r\nlf"};
    const auto r = parse_csv(csv_row(fields) + csv_row(fields));
    ASSERT_FALSE(r.unterminated);
    ASSERT_EQ(r.rows.size(), 2u);
    for (const auto& row : r.rows) {
        ASSERT_EQ(row.fields.size(), fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i)
            EXPECT_EQ(row.fields[i].text, fields[i]) << i;
    }
}

TEST(Csv, AQuoteThatNeverClosesIsReportedWhereItOpened) {
    const auto r = parse_csv("a,b\nc,\"open\nmore\n");
    ASSERT_TRUE(r.unterminated);
    EXPECT_EQ(r.unterminated->line, 2);
    EXPECT_EQ(r.unterminated->column, 3);
    ASSERT_EQ(r.rows.size(), 1u);
}

TEST(Csv, CommentsAndByteOrderMark) {
    CsvReadOptions options;
    options.comment = '#';
    const auto r = parse_csv("\xEF\xBB\xBF"
                             "# a comment, with \"a quote\n"
                             "  # indented\n"
                             "x,1\n",
                             options);
    ASSERT_FALSE(r.unterminated);
    ASSERT_EQ(r.rows.size(), 1u);
    EXPECT_EQ(r.rows[0].fields[0].text, "x");
    EXPECT_EQ(r.rows[0].line, 3);
    // Without the option a '#' is text.
    EXPECT_EQ(parse_csv("#x,1\n").rows.at(0).fields.at(0).text, "#x");
}

TEST(UnitsFormat, ShortestExactTextUpToTwoDecimals) {
    EXPECT_EQ(format_units(2.25), "2.25");
    EXPECT_EQ(format_units(5), "5");
    EXPECT_EQ(format_units(12.5), "12.5");
    EXPECT_EQ(format_units(0.1), "0.1");
    EXPECT_EQ(format_units(0), "0");
    EXPECT_EQ(format_units(100), "100");
    EXPECT_EQ(format_units(2.5f), "2.5"); // a float's widening adds no digits
    EXPECT_EQ(format_units(0.1f), "0.1");
    EXPECT_EQ(format_units(1.0 / 3.0), "0.33");
    EXPECT_EQ(format_units(-0.001), "0");
}

#!/usr/bin/env python3
"""Validates `injmap export` output against the format schemas (ctest unit.export_schemas).

Plays a small session with `injmap session play`, exports it in each format and checks:
- fhir: valid against tests/data/schemas/fhir-r5-subset.schema.json (FHIR R5);
- slicer: valid against tests/data/schemas/slicer-markups-v1.0.3-subset.schema.json;
- csv: read by Python's own csv module (RFC 4180), one row per site, CRLF line ends;
and that each schema does reject a broken copy (R4's effectiveDateTime in place of R5's
occurenceDateTime, a control point with two coordinates), so a schema that accepts anything fails.

Exit 77 (ctest: skipped) with a message when python3-jsonschema is not installed.
"""
import argparse
import copy
import csv
import io
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    sys.exit(77)

CHECKLIST = ("checklist allergy=no infection=no neuromuscular=no pregnancy=no anticoagulant=no "
             "recent_toxin=no swallowing_breathing=no warning=acknowledged\n")
SCRIPT = CHECKLIST + ('inject\ninject 2.5 "smaller, \\"brow\\" dose"\nskip bruise, left\n'
                      "add trapezius left 3\nfinish\n")

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message)


def run(args):
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        print(" ".join(args), "\n", result.stdout, result.stderr)
        sys.exit(1)


def validator(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(v, document):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}"
            for e in v.iter_errors(document)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--injmap", required=True)
    parser.add_argument("--data", required=True, help="tests/data")
    parser.add_argument("--out", required=True, help="a scratch folder")
    a = parser.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(a.out):
        os.remove(os.path.join(a.out, name))
    script = os.path.join(a.out, "s.txt")
    with open(script, "w", encoding="utf-8") as f:
        f.write(SCRIPT)
    record = os.path.join(a.out, "r.jsonl")
    run([a.injmap, "session", "play", "--protocol",
         os.path.join(a.data, "sessions", "mini-ftp.toml"), "--script", script, "--record", record])
    outputs = {}
    for fmt in ("fhir", "slicer", "csv"):
        outputs[fmt] = os.path.join(a.out, "export." + fmt)
        run([a.injmap, "export", record, "--format", fmt, "-o", outputs[fmt]])

    # FHIR R5
    fhir = validator(os.path.join(a.data, "schemas", "fhir-r5-subset.schema.json"))
    with open(outputs["fhir"], encoding="utf-8") as f:
        bundle = json.load(f)
    found = errors(fhir, bundle)
    check(not found, "FHIR export invalid: " + "; ".join(found[:5]))
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    check(types.count("MedicationAdministration") == 9 and types.count("BodyStructure") == 9,
          f"FHIR export: expected 9 MedicationAdministration and BodyStructure, got {types}")
    broken = copy.deepcopy(bundle)
    for e in broken["entry"]:
        r = e["resource"]
        if r["resourceType"] == "MedicationAdministration":
            r["effectiveDateTime"] = r.pop("occurenceDateTime")
            break
    check(errors(fhir, broken), "the FHIR schema accepts R4's effectiveDateTime")
    broken = copy.deepcopy(bundle)
    broken["entry"][1]["resource"]["status"] = "done"
    check(errors(fhir, broken), "the FHIR schema accepts a Procedure status 'done'")

    # 3D Slicer markups
    slicer = validator(os.path.join(a.data, "schemas", "slicer-markups-v1.0.3-subset.schema.json"))
    with open(outputs["slicer"], encoding="utf-8") as f:
        markups = json.load(f)
    found = errors(slicer, markups)
    check(not found, "Slicer export invalid: " + "; ".join(found[:5]))
    points = markups["markups"][0]["controlPoints"]
    check(len(points) == 9, f"Slicer export: expected 9 control points, got {len(points)}")
    broken = copy.deepcopy(markups)
    broken["markups"][0]["controlPoints"][0]["position"] = [1.0, 2.0]
    check(errors(slicer, broken), "the Slicer schema accepts a two-coordinate position")

    # CSV (RFC 4180), read by Python's csv module
    with open(outputs["csv"], "rb") as f:
        raw = f.read()
    check(raw.endswith(b"\r\n") and raw.count(b"\r\n") == 10 and b"\n" not in raw.replace(b"\r\n", b""),
          "CSV export: records must end with CRLF (10 of them)")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    check(len(rows) == 10, f"CSV export: expected 10 rows, got {len(rows)}")
    check(all(len(r) == len(rows[0]) for r in rows), "CSV export: rows of different lengths")
    by_site = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    check(by_site.get("corrugator_right", {}).get("reason") == 'smaller, "brow" dose',
          "CSV export: the quoted reason does not read back")
    check(by_site.get("ftp-1", {}).get("position_source") == "stand-in",
          "CSV export: the added site is not a stand-in")

    if failures:
        print(f"{len(failures)} failed")
        return 1
    print("export schemas: fhir, slicer and csv valid; broken copies rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())

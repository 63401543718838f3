#!/usr/bin/env python3
"""Regenerates tests/data/protocols/{good,bad}/*.toml (run it from anywhere after changing a case).
Each bad file starts with one or more "# expect: RULE LINE" comment lines; LINE is computed here from
a marker in the final text, so editing a base layout never leaves a stale line number."""
import os, re

ROOT = os.path.dirname(os.path.abspath(__file__))

HEADER_PREEMPT = '''schema_version = 1
id = "{id}"
title = "{title}"
indication = "chronic_migraine"
paradigm = "preempt"
product = "onabotulinumtoxinA (BOTOX)"

[[sources]]
key = "TEST"
citation = "injmap test data: a compact PREEMPT layout for the synthetic test sphere."

[reconstitution]
vial_units = 200
diluent_ml = 4.0
units_per_0_1_ml = 5.0

[needle]
gauge = 30
length_inch = 0.5

[limits]
retreatment_weeks = 12
'''

def site(id_, muscle, side, at, units=5, extra=""):
    return f'''
[[steps.sites]]
id = "{id_}"
muscle = "{muscle}"
side = "{side}"
units = {units}
{extra}at = {at}
'''

def step(id_, title, view, sites):
    return f'''
[[steps]]
id = "{id_}"
title = "{title}"
view = "{view}"
''' + "".join(sites)

PREEMPT_STEPS = [
    step("corrugator", "Corrugator", "front", [
        site("corrugator", "corrugator", "both", '{ landmark = "supraorbital_rim", lateral_mm = -15, up_mm = 15 }')]),
    step("procerus", "Procerus", "front", [
        site("procerus", "procerus", "midline", '{ landmark = "glabella", up_mm = 8 }')]),
    step("frontalis", "Frontalis", "front", [
        site("frontalis_medial", "frontalis", "both", '{ landmark = "supraorbital_rim", lateral_mm = -15, up_mm = 33 }'),
        site("frontalis_lateral", "frontalis", "both", '{ landmark = "supraorbital_rim", up_mm = 33 }')]),
    step("temporalis", "Temporalis", "left", [
        site("temporalis_1", "temporalis", "both", '{ landmark = "helix_top", up_mm = 30 }'),
        site("temporalis_2", "temporalis", "both", '{ landmark = "helix_top", up_mm = 30, forward_mm = 15 }'),
        site("temporalis_3", "temporalis", "both", '{ landmark = "helix_top", up_mm = 43, forward_mm = 7.5 }'),
        site("temporalis_4", "temporalis", "both", '{ landmark = "helix_top", up_mm = 43, forward_mm = 22.5 }')]),
    step("occipitalis", "Occipitalis", "back", [
        site("occipitalis_1", "occipitalis", "both", '{ landmark = "inion", up_mm = 8, lateral_mm = 15 }'),
        site("occipitalis_2", "occipitalis", "both", '{ landmark = "inion", up_mm = 12, lateral_mm = 32 }'),
        site("occipitalis_3", "occipitalis", "both", '{ landmark = "inion", up_mm = 26, lateral_mm = 24 }')]),
    step("cervical-paraspinal", "Cervical paraspinal", "back", [
        site("paraspinal_1", "cervical_paraspinal", "both", '{ landmark = "inion", up_mm = -40, lateral_mm = 15 }'),
        site("paraspinal_2", "cervical_paraspinal", "both", '{ landmark = "inion", up_mm = -28, lateral_mm = 27 }')]),
    step("trapezius", "Trapezius", "back", [
        site("trapezius_1", "trapezius", "both", '{ landmark = "neck_inflection", toward = "acromion", t = 0.5 }'),
        site("trapezius_2", "trapezius", "both", '{ landmark = "neck_inflection", toward = "acromion", t = 0.75 }'),
        site("trapezius_3", "trapezius", "both", '{ landmark = "neck_inflection", toward = "acromion", t = 0.25 }')]),
]

def preempt(id_, title="Compact PREEMPT (test)"):
    return HEADER_PREEMPT.replace("{id}", id_).replace("{title}", title) + "".join(PREEMPT_STEPS)

HEADER_CD = '''schema_version = 1
id = "{id}"
title = "Cervical dystonia sites (test)"
indication = "cervical_dystonia"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"

[[sources]]
key = "TEST"
citation = "injmap test data."

[reconstitution]
vial_units = 100
diluent_ml = 1.0

[needle]
gauge = 27
length_inch = 1.0

[limits]
max_total_units = 300
max_units_per_site = 50
retreatment_weeks = 12
'''

CD_STEPS = [
    step("scm", "Sternocleidomastoid", "left", [
        site("scm_1", "sternocleidomastoid", "left", '{ landmark = "mastoid", toward = "sternoclavicular", t = 0.4 }', units=25),
        site("scm_2", "sternocleidomastoid", "left", '{ landmark = "mastoid", toward = "sternoclavicular", t = 0.6 }', units=25)]),
    step("splenius", "Splenius capitis", "back", [
        site("splenius_1", "splenius_capitis", "right", '{ landmark = "mastoid", toward = "c7", t = 0.3 }', units=50),
        site("splenius_2", "splenius_capitis", "right", '{ landmark = "mastoid", toward = "c7", t = 0.5 }', units=50)]),
]

def cd(id_):
    return HEADER_CD.replace("{id}", id_) + "".join(CD_STEPS)

MINIMAL = '''schema_version = 1
id = "{id}"
title = "Minimal (test)"
indication = "other"
paradigm = "custom"
product = "onabotulinumtoxinA (BOTOX)"

[[sources]]
key = "TEST"
citation = "injmap test data."

[reconstitution]
vial_units = 100
diluent_ml = 2.0

[needle]
gauge = 30
length_inch = 0.5

[[steps]]
id = "frontalis"
title = "Frontalis"
cautions = ["Stay well above the brow."]

[[steps.sites]]
id = "frontalis"
muscle = "frontalis"
side = "both"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 33 }
'''

def minimal(id_):
    return MINIMAL.replace("{id}", id_)

def rep(text, old, new, count=1):
    assert old in text, old
    return text.replace(old, new, count)

def line_of(text, marker, nth=1):
    if nth == -1:
        pos = text.rfind(marker)
        assert pos >= 0, marker
        return text.count("\n", 0, pos) + 1
    pos = -1
    for _ in range(nth):
        pos = text.find(marker, pos + 1)
        assert pos >= 0, marker
    return text.count("\n", 0, pos) + 1

CASES = []
def case(name, text, expects, binary=None):
    CASES.append((name, text, expects, binary))

# --- TOML syntax and robustness ------------------------------------------------------------
t = rep(minimal("syntax-unclosed-string"), 'title = "Minimal (test)"', 'title = "Minimal (test)')
case("syntax-unclosed-string", t, [("toml.syntax", ("title =", 1))])
t = rep(minimal("syntax-duplicate-key"), 'gauge = 30\n', 'gauge = 30\ngauge = 27\n')
case("syntax-duplicate-key", t, [("toml.syntax", ("gauge = 27", 1))])
t = rep(minimal("syntax-bad-header"), '[needle]', '[needle')
case("syntax-bad-header", t, [("toml.syntax", ("[needle", 1))])
t = rep(minimal("syntax-bad-inline-table"), 'up_mm = 33 }', 'up_mm = 33')
case("syntax-bad-inline-table", t, [("toml.syntax", ("at = {", 1))])
case("empty", "", [("protocol.missing-key", "FILE1")])
case("not-utf8", None, [("toml.syntax", ("title =", 1))],
     binary=minimal("not-utf8").encode().replace(b'title = "Minimal (test)"', b'title = "Minimal \xff(test)"'))
deep = "x = 1\n[" + "a." * 300 + "b]\n"
case("deep-dotted-table", deep, [("toml.syntax", 2)])
case("deep-arrays", "x = " + "[" * 300 + "]" * 300 + "\n", [("toml.syntax", 1)])

# --- Structure: types, keys, values, ids ---------------------------------------------------
t = rep(minimal("type-units-string"), 'units = 5', 'units = "5 U"')
case("type-units-string", t, [("protocol.type", ("units = \"5 U\"", 1))])
t = rep(minimal("type-gauge-float"), 'gauge = 30', 'gauge = 30.5')
case("type-gauge-float", t, [("protocol.type", ("gauge = 30.5", 1))])
t = rep(minimal("type-cautions-string"), 'cautions = ["Stay well above the brow."]', 'cautions = "Stay well above the brow."')
case("type-cautions-string", t, [("protocol.type", ("cautions = ", 1))])
t = rep(minimal("type-optional-string"), 'units = 5\n', 'units = 5\noptional = "yes"\n')
case("type-optional-string", t, [("protocol.type", ("optional = ", 1))])
t = rep(minimal("unknown-key-top"), 'title = ', 'titel = "Typo"\ntitle = ')
case("unknown-key-top", t, [("protocol.unknown-key", ("titel", 1))])
t = rep(minimal("unknown-key-site"), 'units = 5', 'unit = 5')
case("unknown-key-site", t, [("protocol.unknown-key", ("unit = 5", 1)), ("protocol.missing-key", ("[[steps.sites]]", 1))])
t = rep(minimal("unknown-key-at"), 'up_mm = 33', 'up = 33')
case("unknown-key-at", t, [("protocol.unknown-key", ("up = 33", 1))])
t = rep(minimal("missing-id"), 'id = "missing-id"\n', '')
case("missing-id", t, [("protocol.missing-key", "FILE1")])
t = rep(minimal("missing-needle"), '[needle]\ngauge = 30\nlength_inch = 0.5\n', '')
case("missing-needle", t, [("protocol.missing-key", "FILE1")])
t = rep(minimal("missing-at"), 'at = { landmark = "supraorbital_rim", up_mm = 33 }\n', '')
case("missing-at", t, [("protocol.missing-key", ("[[steps.sites]]", 1))])
t = rep(minimal("bad-indication"), '"other"', '"migraine"')
case("bad-indication", t, [("protocol.bad-value", ("indication = ", 1))])
t = rep(minimal("bad-side"), 'side = "both"', 'side = "lft"')
case("bad-side", t, [("protocol.bad-value", ("side =", 1))])
t = rep(minimal("bad-guidance"), 'units = 5\n', 'units = 5\nguidance = "xray"\n')
case("bad-guidance", t, [("protocol.bad-value", ("guidance = ", 1))])
t = rep(minimal("negative-units"), 'units = 5', 'units = -5')
case("negative-units", t, [("protocol.bad-value", ("units = -5", 1))])
t = rep(minimal("t-out-of-range"), 'up_mm = 33 }', 'toward = "frontal_hairline", t = 1.5 }')
case("t-out-of-range", t, [("protocol.bad-value", ("t = 1.5", 1))])
t = rep(minimal("schema-version-2"), 'schema_version = 1', 'schema_version = 2')
case("schema-version-2", t, [("protocol.schema-version", ("schema_version = ", 1))])
t = minimal("duplicate-site-id") + '''
[[steps.sites]]
id = "frontalis_right"
muscle = "frontalis"
side = "right"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 40 }
'''
case("duplicate-site-id", t, [("protocol.duplicate-id", ('id = "frontalis_right"', 1))])
t = minimal("duplicate-step-id") + '''
[[steps]]
id = "frontalis"
title = "Frontalis again"
sites = []
'''
case("duplicate-step-id", t, [("protocol.duplicate-id", ('id = "frontalis"\ntitle = "Frontalis again"', 1))])
t = rep(cd("cd-template-fixed-side"), 'paradigm = "custom"', 'paradigm = "cd_template"')
t = rep(t, '[limits]', '[cd]\nform = "torticaput"\nplane = "rotation"\nlevel = "caput"\ncandidates = []\n\n[limits]')
t = t.replace('side = "right"', 'side = "contralateral"')
case("cd-template-fixed-side", t, [("protocol.bad-value", ('side = "left"', 1))])
t = rep(minimal("missing-sources"), '[[sources]]\nkey = "TEST"\ncitation = "injmap test data."\n\n', '')
case("missing-sources", t, [("protocol.no-sources", "FILE1")])

# --- Placement ------------------------------------------------------------------------------
t = rep(preempt("misspelt-landmark"), 'landmark = "glabella"', 'landmark = "glabela"')
case("misspelt-landmark", t, [("placement.unknown-landmark", ('"glabela"', 1))])
t = rep(preempt("off-skin"), '{ landmark = "inion", up_mm = 8, lateral_mm = 15 }', '{ landmark = "inion", up_mm = 8, lateral_mm = 15, forward_mm = -80 }')
case("off-skin", t, [("placement.off-skin", ("forward_mm = -80", 1))])

# --- Doses and PREEMPT rules -----------------------------------------------------------------
t = rep(preempt("preempt-site-10u"), 'units = 5\nat = { landmark = "glabella"', 'units = 10\nat = { landmark = "glabella"')
case("preempt-site-10u", t, [("dose.site-units", ("units = 10", 1)), ("preempt.muscle-table", ('muscle = "procerus"', 1))])
t = rep(preempt("preempt-over-155"), "\n[[steps]]\nid = \"temporalis\"", site("frontalis_extra", "frontalis", "midline", '{ landmark = "frontal_hairline", up_mm = -10 }') + "\n[[steps]]\nid = \"temporalis\"")
case("preempt-over-155", t, [("dose.total", ("units = 5", -1)),
                             ("dose.site-count", ("[[steps.sites]]", -1)),
                             ("preempt.muscle-table", ('muscle = "frontalis"', 1)),
                             ("symmetry.mirror", ('muscle = "frontalis"', 1))])
t = rep(preempt("preempt-missing-procerus"), '''
[[steps]]
id = "procerus"
title = "Procerus"
view = "front"

[[steps.sites]]
id = "procerus"
muscle = "procerus"
side = "midline"
units = 5
at = { landmark = "glabella", up_mm = 8 }
''', '')
case("preempt-missing-procerus", t, [("preempt.muscle-table", ("paradigm = ", 1))])
t = rep(preempt("procerus-bilateral"), 'side = "midline"\nunits = 5\nat = { landmark = "glabella", up_mm = 8 }', 'side = "both"\nunits = 5\nat = { landmark = "glabella", up_mm = 8, lateral_mm = 5 }')
case("procerus-bilateral", t, [("preempt.procerus-midline", ('side = "both"\nunits = 5\nat = { landmark = "glabella"', 1)),
                               ("preempt.muscle-table", ('muscle = "procerus"', 1))])
t = rep(preempt("asymmetric-frontalis"), '''id = "frontalis_medial"
muscle = "frontalis"
side = "both"''', '''id = "frontalis_medial"
muscle = "frontalis"
side = "left"''')
t = rep(t, '''id = "frontalis_lateral"
muscle = "frontalis"
side = "both"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 33 }''', '''id = "frontalis_lateral"
muscle = "frontalis"
side = "both"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 33 }

[[steps.sites]]
id = "frontalis_high_left"
muscle = "frontalis"
side = "left"
units = 5
at = { landmark = "supraorbital_rim", up_mm = 45 }''')
case("asymmetric-frontalis", t, [("symmetry.mirror", ('muscle = "frontalis"', 1))])
ftp_site = lambda i, muscle, at: site(f"ftp_{i}", muscle, "left", at, extra="optional = true\n")
def ftp(id_):
    t = rep(preempt(id_), 'paradigm = "preempt"', 'paradigm = "preempt_ftp"')
    return rep(t, 'retreatment_weeks = 12\n', 'retreatment_weeks = 12\n[limits.follow_the_pain]\nmax_extra_units = 40\nmax_extra_sites = 8\nmuscles = ["temporalis", "occipitalis", "trapezius"]\n')
t = ftp("ftp-forbidden-muscle") + step("ftp", "Follow the pain", "front", [ftp_site(1, "frontalis", '{ landmark = "frontal_hairline", up_mm = -10, lateral_mm = 10 }')])
case("ftp-forbidden-muscle", t, [("ftp.muscle", ('muscle = "frontalis"\nside = "left"\nunits = 5\noptional', 1))])
sites = [ftp_site(i, "trapezius" if i < 5 else "temporalis" if i < 7 else "occipitalis",
                  '{ landmark = "neck_inflection", toward = "acromion", t = 0.%d }' % (i + 1) if i < 5 else
                  '{ landmark = "helix_top", up_mm = %d }' % (20 + 5 * i) if i < 7 else
                  '{ landmark = "inion", up_mm = %d, lateral_mm = 20 }' % (5 * i - 30)) for i in range(9)]
t = ftp("ftp-too-much") + step("ftp", "Follow the pain", "back", sites)
case("ftp-too-much", t, [("ftp.extra-units", ('units = 5\noptional = true', 9)),
                         ("ftp.extra-sites", ('[[steps.sites]]\nid = "ftp_8"', 1)),
                         ("dose.total", ('units = 5\noptional = true', 9)),
                         ("ftp.muscle-cap", ('[[steps.sites]]\nid = "ftp_4"', 1))])
t = preempt("ftp-in-plain-preempt") + step("ftp", "Follow the pain", "left", [ftp_site(1, "temporalis", '{ landmark = "helix_top", up_mm = 50 }')])
case("ftp-in-plain-preempt", t, [("ftp.not-enabled", ("optional = true", 1)), ("dose.total", ("units = 5\noptional = true", 1))])
t = rep(preempt("bad-concentration"), 'units_per_0_1_ml = 5.0', 'units_per_0_1_ml = 10.0')
case("bad-concentration", t, [("reconstitution.concentration", ("units_per_0_1_ml = ", 1))])
t = rep(preempt("cm-wrong-dilution"), 'diluent_ml = 4.0\nunits_per_0_1_ml = 5.0', 'diluent_ml = 2.0')
case("cm-wrong-dilution", t, [("reconstitution.concentration", ("diluent_ml = ", 1))])
t = rep(preempt("needle-gauge-cm"), 'gauge = 30', 'gauge = 27')
case("needle-gauge-cm", t, [("needle.gauge", ("gauge = 27", 1))])
t = rep(preempt("needle-too-long"), 'length_inch = 0.5', 'length_inch = 1.5')
case("needle-too-long", t, [("needle.length", ("length_inch = ", 1))])
t = rep(preempt("retreatment-short"), 'retreatment_weeks = 12', 'retreatment_weeks = 8')
case("retreatment-short", t, [("retreatment.interval", ("retreatment_weeks = ", 1))])
t = rep(preempt("limits-above-label"), 'retreatment_weeks = 12', 'retreatment_weeks = 12\nmax_total_units = 300')
case("limits-above-label", t, [("limits.above-label", ("max_total_units = ", 1))])
t = rep(preempt("paradigm-indication"), 'indication = "chronic_migraine"', 'indication = "cervical_dystonia"')
case("paradigm-indication", t, [("protocol.paradigm-indication", ("indication = ", 1))])
t = rep(preempt("wrong-product"), 'product = "onabotulinumtoxinA (BOTOX)"', 'product = "abobotulinumtoxinA (Dysport)"')
case("wrong-product", t, [("product.units", ("product = ", 1))])
t = rep(preempt("provisional-without-notes"), 'units = 5\nat = { landmark = "glabella"', 'units = 5\nprovisional = true\nat = { landmark = "glabella"')
case("provisional-without-notes", t, [("protocol.provisional-notes", "FILE1")])

# --- Cervical dystonia ----------------------------------------------------------------------
t = rep(cd("cd-site-over-50"), 'units = 50', 'units = 75')
case("cd-site-over-50", t, [("dose.site-max", ("units = 75", 1))])
t = rep(cd("cd-scm-over-100"), "t = 0.6 }\n", "t = 0.6 }\n" + site("scm_3", "sternocleidomastoid", "left", '{ landmark = "mastoid", toward = "sternoclavicular", t = 0.5 }', units=50)[1:], 1)
t = rep(t, "retreatment_weeks = 12\n", "retreatment_weeks = 12\n[limits.max_units_per_muscle]\nsternocleidomastoid = 100\n")
t = rep(t, "units = 25", "units = 30")
case("cd-scm-over-100", t, [("muscle.cap", ("units = 50\nat = { landmark = \"mastoid\", toward = \"sternoclavicular\"", 1))])
t = rep(cd("cd-bilateral-scm"), '''id = "scm_2"
muscle = "sternocleidomastoid"
side = "left"''', '''id = "scm_2"
muscle = "sternocleidomastoid"
side = "right"''')
case("cd-bilateral-scm", t, [("muscle.bilateral-scm", ('side = "right"', 1))])
t = rep(cd("cd-deep-unguided"), 'muscle = "splenius_capitis"', 'muscle = "levator_scapulae"')
case("cd-deep-unguided", t, [("guidance.deep-muscle", ('muscle = "levator_scapulae"', 1))])
t = rep(cd("cd-total-over-300"), 'max_total_units = 300', 'max_total_units = 120')
case("cd-total-over-300", t, [("dose.total", ("units = 50", 2))])
t = rep(cd("cd-odd-dilution"), 'diluent_ml = 1.0', 'diluent_ml = 3.0')
case("cd-odd-dilution", t, [("reconstitution.label-dilution", ("diluent_ml = ", 1))])

# --- On the model ---------------------------------------------------------------------------
t = rep(preempt("frontalis-too-low"), '{ landmark = "supraorbital_rim", up_mm = 33 }', '{ landmark = "supraorbital_rim", up_mm = 18 }')
case("frontalis-too-low", t, [("clearance.frontalis-brow", ("up_mm = 18", 1))])
t = rep(preempt("corrugator-too-low"), '{ landmark = "supraorbital_rim", lateral_mm = -15, up_mm = 15 }', '{ landmark = "supraorbital_rim", lateral_mm = -15, up_mm = 4 }')
case("corrugator-too-low", t, [("clearance.glabella-rim", ("up_mm = 4", 1))])
t = rep(preempt("corrugator-too-lateral"), '{ landmark = "supraorbital_rim", lateral_mm = -15, up_mm = 15 }', '{ landmark = "supraorbital_rim", lateral_mm = 12, up_mm = 15 }')
case("corrugator-too-lateral", t, [("clearance.glabella-lateral", ("lateral_mm = 12", 1))])
t = rep(preempt("trapezius-outside-span"), '{ landmark = "neck_inflection", toward = "acromion", t = 0.75 }', '{ landmark = "acromion", forward_mm = 15, up_mm = -10 }')
case("trapezius-outside-span", t, [("clearance.trapezius-span", ('landmark = "acromion"', 1))])
t = rep(preempt("unknown-muscle"), 'muscle = "temporalis"', 'muscle = "temporalus"')
case("unknown-muscle", t, [("anatomy.unknown-muscle", ('"temporalus"', 1)), ("preempt.muscle-table", ('"temporalus"', 1))])
t = rep(preempt("muscle-miss"), 'muscle = "occipitalis"', 'muscle = "trapezius"')
case("muscle-miss", t, [("anatomy.muscle-miss", ('landmark = "inion", up_mm = 8', 1))])

def write():
    for d in ("bad", "good"):
        for f in os.listdir(os.path.join(ROOT, d)):
            if f.endswith(".toml"):
                os.remove(os.path.join(ROOT, d, f))
    for name, text, expects, binary in CASES:
        body = binary.decode("utf-8", "replace") if binary is not None else text
        header = ""
        for rule, where in expects:
            if where == "FILE1":
                line = 1
            elif isinstance(where, int):
                line = where + len(expects)
            else:
                line = line_of(body, *where) + len(expects)
            header += "# expect: %s %d\n" % (rule, line)
        path = os.path.join(ROOT, "bad", name + ".toml")
        if binary is not None:
            open(path, "wb").write(header.encode() + binary)
        else:
            open(path, "w").write(header + text)
    open(os.path.join(ROOT, "good", "preempt-compact.toml"), "w").write(
        "# A compact PREEMPT layout (31 sites, 155 U) that validates without a single diagnostic on the\n"
        "# synthetic test sphere (tests/unit/protocol_test_model.hpp).\n" + preempt("preempt-compact"))
    open(os.path.join(ROOT, "good", "cd-compact.toml"), "w").write(
        "# A few cervical dystonia sites that validate cleanly on the synthetic test sphere.\n" + cd("cd-compact"))
    open(os.path.join(ROOT, "good", "minimal.toml"), "w").write(
        "# The smallest useful protocol: one mirrored pair of sites.\n" + minimal("minimal"))
    print(len(CASES), "bad files")

write()

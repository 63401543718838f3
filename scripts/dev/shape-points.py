#!/usr/bin/python3
"""Writes a real head's skin points in the generated model's frame, for injmap-tune-shape.

usage: shape-points.py INJMAP REFERENCE_MANIFEST CANDIDATE_MANIFEST OUT.txt

Aligns the reference head (e.g. the MakeHuman test mesh in ../shared/meshes) to the candidate the
way ../shared/tools/shape_distance.py measures them (similarity on the shared head landmarks, then
ICP with scale over the head), but in the other direction, so the points land in the candidate's own
model space. Each line: x y z face head (face/head as 0/1, the tool's own regions). Prints the
distances it measured. The output is a derivative of the reference mesh: keep it out of the project
(write it under /tmp).
"""
import os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "..", "..", "..", "shared", "tools", "shape_distance.py")
if len(sys.argv) != 5:
    sys.exit(__doc__)
src = open(TOOL).read().rsplit("\nmain()", 1)[0]
ns = {"__name__": "shape_distance"}
exec(compile(src, TOOL, "exec"), ns)
np, cKDTree = ns["np"], ns["cKDTree"]

injmap, ref, cand, out = sys.argv[1:5]
np.random.seed(1)
rj, cj = ns["model_json"](injmap, ref), ns["model_json"](injmap, cand)
RL, CL = rj["landmarks"], cj["landmarks"]
names = [n for n in ns["HEAD"] if n in RL and n in CL]
rv, _ = ns["mesh_in_model_space"](ref, rj)
cv, cf = ns["mesh_in_model_space"](cand, cj)
fit, _ = ns["similarity"](np.array([RL[n] for n in names]), np.array([CL[n] for n in names]))
menton_y = RL["menton"][1]
trag_z = (RL["tragion_left"][2] + RL["tragion_right"][2]) / 2
centre = np.array([RL[n] for n in names]).mean(0)
head = (rv[:, 1] > menton_y) & (np.linalg.norm(rv - centre, axis=1) < 130)
face = head & (rv[:, 2] > trag_z + 40) & (rv[:, 1] < RL["glabella"][1] + 25)
samples = ns["surface_samples"](cv, cf, 1.0)
tree = cKDTree(samples)
P = fit(rv)
for _ in range(25):
    d, idx = tree.query(P[head])
    keep = d < np.percentile(d, 90)
    step, _ = ns["similarity"](P[head][keep], samples[idx[keep]])
    P = step(P)
d, _ = tree.query(P)
print("in the candidate's frame: face mean %.2f p90 %.2f, head mean %.2f p90 %.2f" %
      (d[face].mean(), np.percentile(d[face], 90), d[head].mean(), np.percentile(d[head], 90)))
with open(out, "w") as f:
    for p, fa, he in zip(P, face, head):
        if he:
            f.write("%.3f %.3f %.3f %d %d\n" % (p[0], p[1], p[2], int(fa), int(he)))

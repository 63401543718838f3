#!/usr/bin/env python3
"""Session-record soak (issue #16 item 8; a bench, not a ctest): N sessions played and resumed
with SIGKILL at random moments. Each session has a random valid script (inject, skip, back,
finish); `injmap session play` (or `session resume --script` with the actions not yet recorded) is
killed with SIGKILL after a random delay, and resumed again, until the whole script is recorded.

Checked after every kill and at the end:
  - lost actions: a line that was complete on disk (ending in a newline) before a run and is no
    longer there, unchanged and in place, after it; or a final record whose actions are not
    exactly the script's, in order, once each;
  - unreadable records: `injmap session verify` not "intact" (exit != 0) at the end, or
    `session resume --json` failing.

    bench/session_soak.py [--sessions N] [--seed S] [--injmap PATH] [--max-delay-ms MS]

A tenth of the runs are also killed halfway through writing a line (INJMAP_TEST_DIE_DURING), the
case a real kill rarely hits. Prints the figures for docs/performance.md.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time


CHECKLIST = ("checklist allergy=no infection=no neuromuscular=no pregnancy=no "
             "anticoagulant=yes:\"apixaban; pressure held\" recent_toxin=no "
             "swallowing_breathing=no warning=acknowledged")


def make_script(rng):
    """A valid random script: the pre-treatment checklist (every session of record format 3 needs
    it before the first injection), then inject/skip/back on PREEMPT's 31 sites, then finish."""
    actions, depth = [CHECKLIST], 0
    for _ in range(rng.randint(3, 28)):
        r = rng.random()
        if r < 0.15 and depth > 0:
            actions.append("back")
            depth -= 1
        elif r < 0.3:
            actions.append("skip tender")
            depth += 1
        else:
            actions.append("inject")
            depth += 1
    actions.append("finish")
    return actions


def complete_lines(path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    return lines[:-1]  # the last piece has no newline: not complete


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--injmap", default="build/release/bin/injmap")
    ap.add_argument("--protocol", default="preempt-155")
    ap.add_argument("--max-delay-ms", type=float, default=80.0,
                    help="first upper bound of the random delay before the kill; it then follows "
                         "1.2x the mean time of the runs that were not killed, so the kills land "
                         "within the runs however busy the machine is")
    args = ap.parse_args()
    injmap = os.path.abspath(args.injmap)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="injmap-soak.")
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CACHE_HOME=os.path.join(work, "cache"))

    stats = dict(sessions=0, runs=0, kills=0, kills_mid_line=0, finished_before_kill=0,
                 restarts_before_start=0, actions=0, lost=0, unreadable=0, gave_up=0)
    problems = []
    started = time.monotonic()
    run_ms = args.max_delay_ms / 1.2  # mean wall time of an unkilled run (moving average)
    for i in range(args.sessions):
        d = os.path.join(work, f"s{i % 2}")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        record = os.path.join(d, "r.jsonl")
        script = make_script(rng)
        expected = [a.split()[0] for a in script]
        done = False
        for attempt in range(200):
            lines_before = complete_lines(record)
            have_start = bool(lines_before) and b'"action":"start"' in lines_before[0]
            if not have_start:
                # Killed before the start line was complete: nothing was done yet; start over.
                if os.path.exists(record):
                    stats["restarts_before_start"] += 1
                for f in os.listdir(d):
                    os.remove(os.path.join(d, f))
                lines_before = []
            recorded = max(0, len(lines_before) - 1)
            rest = os.path.join(d, "rest.txt")
            with open(rest, "w") as f:
                f.write("".join(a + "\n" for a in script[recorded:]))
            if have_start:
                cmd = [injmap, "session", "resume", record, "--script", rest]
            else:
                cmd = [injmap, "session", "play", "--protocol", args.protocol, "--script", rest,
                       "--record", record]
            run_env = env
            mid_line = rng.random() < 0.1
            if mid_line:
                run_env = dict(env, INJMAP_TEST_DIE_DURING=str(rng.randint(1, 4)))
            stats["runs"] += 1
            t0 = time.monotonic()
            p = subprocess.Popen(cmd, env=run_env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
            kill = attempt < 100 and stats["runs"] > 10 and rng.random() < 0.85
            if kill:
                time.sleep(rng.uniform(0, 1.2 * run_ms) / 1000.0)
                if p.poll() is None:
                    p.send_signal(signal.SIGKILL)
                    stats["kills"] += 1
                else:
                    stats["finished_before_kill"] += 1
            _, err = p.communicate()
            if p.returncode == 0 and not kill:
                run_ms = 0.7 * run_ms + 0.3 * (time.monotonic() - t0) * 1000.0
            if p.returncode == -signal.SIGKILL and mid_line and not kill:
                stats["kills_mid_line"] += 1
            lines_after = complete_lines(record)
            # Every line complete before this run is still there, unchanged, in place.
            if lines_after[:len(lines_before)] != lines_before:
                stats["lost"] += 1
                problems.append(f"session {i}: complete lines changed or lost by run {attempt}")
                break
            if p.returncode == 0:
                done = True
                break
            if p.returncode not in (-signal.SIGKILL,):
                problems.append(f"session {i}: {' '.join(cmd[1:3])} exit {p.returncode}: "
                                f"{err.decode(errors='replace').strip()[:300]}")
                break
        if not done:
            stats["gave_up"] += 1
            continue
        stats["sessions"] += 1
        lines = complete_lines(record)
        actions = [json.loads(l)["action"] for l in lines[1:]]
        stats["actions"] += len(expected)
        if actions != expected:
            stats["lost"] += 1
            problems.append(f"session {i}: recorded {actions} != script {expected}")
        v = subprocess.run([injmap, "session", "verify", record], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        r = subprocess.run([injmap, "session", "resume", record, "--json"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        ok = v.returncode == 0 and r.returncode == 0
        if ok:
            j = json.loads(r.stdout)
            ok = j["actions"] == len(expected) + 1 and j["finished"]
        if not ok:
            stats["unreadable"] += 1
            problems.append(f"session {i}: verify exit {v.returncode} "
                            f"{v.stdout.decode(errors='replace').strip()}; resume exit "
                            f"{r.returncode}")
        if (i + 1) % 100 == 0:
            print(f"... {i + 1} sessions, {stats['kills']} kills, {stats['lost']} lost, "
                  f"{stats['unreadable']} unreadable, {stats['gave_up']} given up, "
                  f"run {run_ms:.0f} ms, {time.monotonic() - started:.0f} s",
                  file=sys.stderr, flush=True)

    stats["seconds"] = round(time.monotonic() - started, 1)
    stats["mean_unkilled_run_ms"] = round(run_ms, 1)
    print(json.dumps(stats, indent=1))
    for p in problems[:20]:
        print("PROBLEM:", p)
    shutil.rmtree(work, ignore_errors=True)
    return 0 if not problems and stats["gave_up"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

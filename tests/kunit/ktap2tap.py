#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a KUnit kernel's console output into the lines `make check` counts.

    ktap2tap.py CONSOLE_LOG [--expect SUITE]...

One line per test case, at column 0:

    ok - kunit:<suite>.<case>
    ok - kunit:<suite>.<case> # SKIP <reason>
    not ok - kunit:<suite>.<case>

followed, for a failed case, by its diagnostics as `# ` lines. A kernel that
stopped before every announced suite and case reported (crash, timeout, panic),
a suite given with --expect that never ran, or a run with no test case at all
gives one `not ok - kunit: run` with the tail of the console as comments.
Everything else is printed after `# `. Exit status: 0 when every line is ok.
"""

import argparse
import re
import sys

KTAP_START = re.compile(r'K?TAP version \d+')
RESULT = re.compile(r'^(not ok|ok) (\d+)(?: -)?(?: ([^#]*?))?\s*(?:#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)')
SUBTEST = re.compile(r'^# Subtest: (\S+)')
TAIL = 40


def depth_of(line):
    n = len(line) - len(line.lstrip(' \t'))
    return line[:n].expandtabs(8).count(' ') // 4 if n else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('--expect', action='append', default=[],
                    help='suite that must appear in the output')
    args = ap.parse_args()

    with open(args.log, errors='backslashreplace') as f:
        raw = f.read().splitlines()

    out = []            # result lines and their diagnostics
    failed = False
    problems = []

    def emit(ok, text, notes=()):
        nonlocal failed
        out.append(('ok - ' if ok else 'not ok - ') + text)
        if not ok:
            failed = True
            # Paths as the repo names them, not as the kernel tree links them.
        out.extend('#   ' + n.replace('lib/compfw_kunit/kmod/', 'kmod/')
                   for n in notes)

    start = None
    for i, line in enumerate(raw):
        m = KTAP_START.search(line)
        if m:
            start, prefix = i, m.start()
            break
    if start is None:
        problems.append('no KTAP output from the kernel')
        lines = []
    else:
        lines = [l[prefix:] for l in raw[start:]]

    top_plan = None
    suites_done = 0
    suites_seen = set()
    cases = 0
    suite = None          # name of the suite being run
    suite_plan = None
    suite_cases = 0
    notes = []            # diagnostics since the last case result

    for line in lines:
        d = depth_of(line)
        s = line.strip()
        if not s:
            continue
        m = SUBTEST.match(s)
        if m:
            if d == 1:
                suite, suite_plan, suite_cases, notes = m.group(1), None, 0, []
                suites_seen.add(suite)
            continue
        m = PLAN.match(s)
        if m:
            if d == 0 and top_plan is None:
                top_plan = int(m.group(1))
            elif d == 1:
                suite_plan = int(m.group(1))
            continue
        m = RESULT.match(s)
        if m:
            ok = m.group(1) == 'ok'
            name = (m.group(3) or '').strip() or m.group(2)
            directive = (m.group(4) or '').strip()
            if d == 1 and suite is not None:
                cases += 1
                suite_cases += 1
                text = 'kunit:%s.%s' % (suite, name)
                if directive:
                    text += ' # ' + directive
                emit(ok, text, notes)
                notes = []
            elif d == 0:
                suites_done += 1
                name = name if suite is None else suite
                if suite_plan is not None and suite_cases < suite_plan:
                    problems.append('suite %s announced %d cases, reported %d'
                                    % (name, suite_plan, suite_cases))
                elif not ok and suite_cases == 0:
                    emit(False, 'kunit:%s' % name, notes)
                suite, suite_plan, suite_cases, notes = None, None, 0, []
            else:
                notes.append(s)     # a parameter of a parameterised case
            continue
        if s.startswith('#') or d >= 1:
            notes.append(s)

    if start is not None:
        if suite is not None:
            problems.append('kernel stopped inside suite %s after %d case(s)'
                            % (suite, suite_cases))
        elif top_plan is not None and suites_done < top_plan:
            problems.append('kernel stopped after %d of %d suites'
                            % (suites_done, top_plan))
    for name in args.expect:
        if name not in suites_seen:
            problems.append('suite %s did not run (not built in?)' % name)
    if not cases and not problems:
        problems.append('no KUnit test case ran')

    for line in out:
        print(line)
    if problems:
        print('not ok - kunit: run')
        for p in problems:
            print('#   ' + p)
        print('#   --- last %d console lines (%s) ---' % (TAIL, args.log))
        for l in raw[-TAIL:]:
            print('#   ' + l)
        failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())

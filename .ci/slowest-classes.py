#!/usr/bin/env python3
"""Prints the slowest test classes over one or more .trx files (dotnet test --logger trx).

Usage: slowest-classes.py [--top N] FILE.trx...

A class's time is the sum, over its tests in every file given, of each test's start to end: that includes the test
class's constructor and InitializeAsync/DisposeAsync (an IdP host started per test), which the trx "duration" leaves
out. A class run by several legs counts once per leg. A host shared by a class (a class fixture) starts when a test
first uses it, and is billed to that test.
"""
import re
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import datetime

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def instant(text):
    # "2026-12-01T06:12:43.5044530+00:00": seven fraction digits, one more than Python reads.
    return datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", text))


def seconds(result):
    start, end = result.get("startTime"), result.get("endTime")
    if start and end:
        return (instant(end) - instant(start)).total_seconds()
    hours, minutes, rest = result.get("duration", "00:00:00").split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)


def main(argv):
    top = 10
    if len(argv) >= 2 and argv[0] == "--top":
        top, argv = int(argv[1]), argv[2:]
    totals = defaultdict(float)
    counts = defaultdict(int)
    for path in argv:
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as error:
            print(f"slowest-classes: skipping {path}: {error}", file=sys.stderr)
            continue
        classes = {}
        for test in root.iterfind("t:TestDefinitions/t:UnitTest", NS):
            method = test.find("t:TestMethod", NS)
            if method is not None:
                classes[test.get("id")] = method.get("className", "?")
        for result in root.iterfind("t:Results/t:UnitTestResult", NS):
            name = classes.get(result.get("testId"), "?")
            totals[name] += seconds(result)
            counts[name] += 1
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    print(f"Slowest {len(ranked)} test classes (sum of their tests' start to end over {len(argv)} trx files):")
    for name, total in ranked:
        print(f"{total:9.1f} s  {counts[name]:4d} tests  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

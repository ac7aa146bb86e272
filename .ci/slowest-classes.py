#!/usr/bin/env python3
"""Prints the slowest test classes over one or more .trx files (dotnet test --logger trx).

Usage: slowest-classes.py [--top N] FILE.trx...

A class's time is the sum of its tests' durations in every file given, so a class run by several legs counts once
per leg. Start-up of a class fixture (a shared IdP host) is billed to the test that first touches it.
"""
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def seconds(duration):
    # "00:00:03.1234567"
    hours, minutes, rest = duration.split(":")
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
            totals[name] += seconds(result.get("duration", "00:00:00"))
            counts[name] += 1
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)[:top]
    print(f"Slowest {len(ranked)} test classes (sum of test durations over {len(argv)} trx files):")
    for name, total in ranked:
        print(f"{total:9.1f} s  {counts[name]:4d} tests  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

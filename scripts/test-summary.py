#!/usr/bin/env python3
"""Prints one summary of every JUnit XML report of the build: Surefire, Failsafe and the OSGi
integration tests (bnd writes those to target/test-reports, without a Surefire-style line)."""
import glob
import sys
import xml.etree.ElementTree as ET

kinds = {"unit": "*/target/surefire-reports/TEST-*.xml",
         "end-to-end": "*/target/failsafe-reports/TEST-*.xml",
         "OSGi": "**/target/test-reports/**/TEST-*.xml"}
total = {"passed": 0, "failed": 0, "skipped": 0}
for kind, pattern in kinds.items():
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    for path in sorted(set(glob.glob(pattern, recursive=True))):
        for suite in ET.parse(path).getroot().iter("testsuite"):
            tests = int(suite.get("tests", 0))
            failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            counts["failed"] += failed
            counts["skipped"] += skipped
            counts["passed"] += tests - failed - skipped
    print(f"{kind} tests: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    for key in total:
        total[key] += counts[key]
print(f"{total['passed']} passed, {total['failed']} failed, {total['skipped']} skipped")
sys.exit(1 if total["failed"] or total["passed"] == 0 else 0)

package dev.assay.console;

import dev.assay.verifier.StoredTest;
import java.util.ArrayList;
import java.util.List;

/**
 * How strong the evidence behind a gated attempt is: of the tests that passed, how many were the request's own (and of
 * those, how many were SEALED — every assertion compared outside the sandbox — or IN_PROCESS — at least one assertion
 * checked inside it, where the code under test could interfere), and how many the model wrote itself (never counted for
 * a request test). Tests stored before results carried an origin or an evidence level count as passed only.
 *
 * @param total     every test result
 * @param passed    tests that passed
 * @param request   passed tests from the request's own test files
 * @param sealed    passed request tests whose every assertion was compared outside the sandbox
 * @param inProcess passed request tests with at least one assertion checked inside the sandbox
 * @param generated passed tests the model wrote
 */
public record TestCounts(int total, int passed, int request, int sealed, int inProcess, int generated) {
    static final String REQUEST = "REQUEST";
    static final String GENERATED = "GENERATED";
    static final String SEALED = "SEALED";
    static final String IN_PROCESS = "IN_PROCESS";

    public static TestCounts of(List<StoredTest> tests) {
        int passed = 0;
        int request = 0;
        int sealed = 0;
        int inProcess = 0;
        int generated = 0;
        for (StoredTest t : tests == null ? List.<StoredTest>of() : tests) {
            if (!"PASSED".equals(t.status())) {
                continue;
            }
            passed++;
            if (REQUEST.equals(t.origin())) {
                request++;
                sealed += SEALED.equals(t.evidence()) ? 1 : 0;
                inProcess += IN_PROCESS.equals(t.evidence()) ? 1 : 0;
            } else if (GENERATED.equals(t.origin())) {
                generated++;
            }
        }
        return new TestCounts(tests == null ? 0 : tests.size(), passed, request, sealed, inProcess, generated);
    }

    /** Passed tests with no recorded origin (results stored before tests had one). */
    public int unknownOrigin() {
        return passed - request - generated;
    }

    /** Passed request tests with no recorded evidence level. */
    public int unknownEvidence() {
        return request - sealed - inProcess;
    }

    /** "5 passed: 3 of the request's (3 sealed, 0 in-process), 2 generated"; "5 of 6 passed: …" when some did not. */
    public String summary() {
        if (total == 0) {
            return "none ran";
        }
        return (passed == total ? passed : passed + " of " + total) + " passed: " + breakdown();
    }

    /** "3 of the request's (3 sealed, 0 in-process), 2 generated", for lines that give the passed count elsewhere. */
    public String breakdown() {
        List<String> parts = new ArrayList<>();
        parts.add(request + " of the request's (" + sealed + " sealed, " + inProcess + " in-process"
                + (unknownEvidence() > 0 ? ", " + unknownEvidence() + " unrecorded" : "") + ")");
        parts.add(generated + " generated");
        if (unknownOrigin() > 0) {
            parts.add(unknownOrigin() + " of unrecorded origin");
        }
        return String.join(", ", parts);
    }
}

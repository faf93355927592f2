import Testing
import Wire

struct VerdictTopicTests {
    @Test(arguments: [
        ("IT", "it"),
        ("Børn og Unge", "børn-og-unge"),
        ("  Social- og Sundhedsforvaltningen\t", "social--og-sundhedsforvaltningen"),
        ("Kultur.Fritid", "kultur-fritid"),
        ("ÆØÅ", "æøå"),
        ("a\u{0B}b\u{0C}c\rd\ne", "a-b-c-d-e"),
        ("ΟΔΟΣ", "οδοσ"),
        ("İzmir", "i\u{307}zmir"),
        ("", "unknown"),
        (" \t\r\n", "unknown"),
    ])
    func departmentsAreNormalised(raw: String, expected: String) {
        #expect(VerdictTopic.normalizedDepartment(raw) == expected)
    }

    @Test func aMissingDepartmentIsUnknown() {
        #expect(VerdictTopic(verdict: .rejected, department: nil).description == "verdict.rejected.unknown")
    }

    @Test func topicsEncodeAsVerdictDotDepartment() {
        let topic = VerdictTopic(verdict: .approvedWithConditions, department: "Børn og Unge")
        #expect(topic.description == "verdict.approved-with-conditions.børn-og-unge")
        #expect(topic.bytes == bytes("verdict.approved-with-conditions.børn-og-unge"))
    }

    @Test(arguments: VerdictTopic.Verdict.allCases)
    func topicsRoundTrip(verdict: VerdictTopic.Verdict) throws {
        let topic = VerdictTopic(verdict: verdict, department: "Teknik og Miljø")
        #expect(try VerdictTopic(bytes: topic.bytes) == topic)
        let summary = VerdictTopic(verdict: verdict, department: "Teknik og Miljø", detail: .summary)
        #expect(summary.description == "summary.\(verdict.rawValue).teknik-og-miljø")
        #expect(try VerdictTopic(bytes: summary.bytes) == summary)
    }

    @Test(arguments: [
        "verdict.approved", "verdict.approved.", "verdict.maybe.it", "verdicts.approved.it", "verdict.approved.IT",
        "verdict.approved.it.x", "verdict.approved.a b", "verdict.Approved.it", "summaries.approved.it", "Summary.approved.it",
    ])
    func nonCanonicalTopicsAreRejected(topic: String) {
        let error = #expect(throws: WireError.self) { try VerdictTopic(bytes: bytes(topic)) }
        #expect(error?.code == .invalidTopic)
    }

    @Test func subscriptionPrefixesEndInADot() {
        #expect(VerdictTopic.subscriptionPrefix(for: nil) == "verdict.")
        #expect(VerdictTopic.subscriptionPrefix(for: .approved) == "verdict.approved.")
        #expect(VerdictTopic.subscriptionPrefix(for: nil, detail: .summary) == "summary.")
        #expect(VerdictTopic.subscriptionPrefix(for: .rejected, detail: .summary) == "summary.rejected.")
        let conditional = VerdictTopic(verdict: .approvedWithConditions, department: "it").description
        #expect(!conditional.hasPrefix(VerdictTopic.subscriptionPrefix(for: .approved)))
    }
}

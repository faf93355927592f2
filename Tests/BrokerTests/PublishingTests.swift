import Testing

@testable import Broker
@testable import RulesEngine

/// Published bodies are the rendered verdict with `seq`, `published_at` and `run_id` appended (PROTOCOL.md §6).
struct PublishingTests {
    @Test func theStampedBodyIsTheVerdictObjectWithThreeMoreMembersInOrder() throws {
        let verdict: JSONValue = .object([("request_id", .string("r-1")), ("verdict", .string("needs-review")), ("errors", .array([.string("a \"b\"")]))])
        var publishing = Publishing()
        let firstBytes = publishing.body(JSONWriter.bytes(verdict))
        let first = try JSONParser().parse(firstBytes)
        let second = try JSONParser().parse(publishing.body(JSONWriter.bytes(verdict)))
        guard case .object(let members) = first, case .string(let stamp)? = first["published_at"] else {
            Issue.record("not an object with published_at: \(first)")
            return
        }
        #expect(members.map(\.0) == ["request_id", "verdict", "errors", "seq", "published_at", "run_id"])
        #expect(first["seq"] == .int(1))
        #expect(second["seq"] == .int(2))
        #expect(first["run_id"] == .string(publishing.runID))
        #expect(stamp.count == 24 && stamp.hasSuffix("Z"))
        guard case .object(var whole) = verdict else { return }
        whole += [("seq", .int(1)), ("published_at", .string(stamp)), ("run_id", .string(publishing.runID))]
        #expect(firstBytes == JSONWriter.bytes(.object(whole)), "the same bytes as rendering the stamped object")
    }

    @Test func anEmptyObjectGetsNoLeadingComma() throws {
        var publishing = Publishing()
        let body = try JSONParser().parse(publishing.body(Array("{}".utf8)))
        #expect(body["seq"] == .int(1))
    }
}

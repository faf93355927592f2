import Foundation
import Journal
import RulesEngine

/// A journal record made in memory, as the broker would have written it.
func record(
    _ id: String, department: String? = "IT", tool: String? = "Tool", verdict: String? = "approved", at: String = "2026-11-27T10:00:00.000Z",
    result: String? = nil, provisional: Bool = false, sequence: Int64 = 1
) -> JournalRecord {
    var body = #"{"request_id":"\#(id)""#
    if let tool { body += #","tool":{"name":\#(JSONWriter.string(.string(tool))),"purpose":"p"}"# }
    body += "}"
    let received = JournalTimestamp(rfc3339: at) ?? JournalTimestamp(millisecondsSince1970: 0)
    let request = AcceptedRequest(
        requestID: id, service: "screen", body: Array(body.utf8), receivedAt: received, principal: "anonymous", department: department)
    let completion = verdict.map { verdict in
        CompletedScreening(
            requestID: id, verdict: verdict,
            result: Array((result ?? #"{"request_id":"\#(id)","verdict":"\#(verdict)","packs":{"gdpr":{"version":"1.0.0","verdict":"\#(verdict)"}},"conditions":[],"errors":[]}"#).utf8),
            packs: [PackRevision(id: "gdpr", version: "1.0.0", digest: "sha256:x")], completedAt: received.adding(days: 0), provisional: provisional)
    }
    return JournalRecord(
        sequence: sequence, request: request, completion: provisional ? nil : completion, provisional: provisional ? completion : nil)
}

func parse(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

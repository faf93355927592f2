import RulesEngine

/// A request body whose `request_id` can be set: the body's `request_id` is the request's identity (the REQUEST
/// frame must carry the same), so a client that sends one body under many ids (`aiscreen load`, `submit --new-id`)
/// writes each id into the body.
struct RequestTemplate {
    private let prefix: [UInt8]
    private let suffix: [UInt8]

    /// - Throws: ``RequestTemplate/Failure`` when `body` is not a JSON object.
    init(_ body: [UInt8]) throws(Failure) {
        guard case .object(var members)? = try? JSONParser().parse(body) else { throw Failure() }
        let marker = "aiscreen-request-id-\(UInt64.random(in: 0...UInt64.max))"
        if let i = members.firstIndex(where: { $0.0 == "request_id" }) {
            members[i].1 = .string(marker)
        } else {
            members.insert(("request_id", .string(marker)), at: 0)
        }
        let written = JSONWriter.bytes(.object(members))
        let quoted = JSONWriter.bytes(.string(marker))
        guard let start = Self.range(of: quoted, in: written) else { throw Failure() }
        prefix = Array(written[..<start])
        suffix = Array(written[(start + quoted.count)...])
    }

    /// The body with `id` as its `request_id`.
    func body(id: String) -> [UInt8] {
        prefix + JSONWriter.bytes(.string(id)) + suffix
    }

    struct Failure: Error {}

    private static func range(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}

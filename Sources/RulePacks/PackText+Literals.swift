internal import Yams
internal import RulesEngine

extension RecordedPackText {
    /// Every text of the revision that a verdict may carry verbatim, as a JSON string literal (quotes included, escaped
    /// as ``RulesEngine/JSONWriter`` writes it): each string of its `pack.yaml` and `duties.yaml` (titles,
    /// rationales, citations, condition texts, next steps), and its digest. A journal stores them once
    /// (`ResultDictionary`) instead of in every result; a text missing here is only stored in full.
    public func literals(digest: String) -> [[UInt8]] {
        guard let bundle else { return [] }
        var out: [[UInt8]] = [JSONWriter.bytes(.string(digest))]
        for role in [PackBundle.Role.pack, .duties] {
            guard let file = bundle.file(role), let text = String(validating: file.bytes, as: UTF8.self),
                let root = try? Yams.compose(yaml: text)
            else { continue }
            Self.collect(root, into: &out)
        }
        return out
    }

    private static func collect(_ node: Node, into out: inout [[UInt8]]) {
        switch node {
        case .scalar(let scalar):
            if scalar.string.utf8.count >= 10 { out.append(JSONWriter.bytes(.string(scalar.string))) }
        case .mapping(let mapping):
            for (_, value) in mapping { collect(value, into: &out) }
        case .sequence(let sequence):
            for value in sequence { collect(value, into: &out) }
        default:
            break
        }
    }
}

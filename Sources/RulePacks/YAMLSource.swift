internal import Yams
import RulesEngine

/// One YAML file, parsed with positions. Turns Yams nodes into located values and expression sources.
struct YAMLSource {
    let file: String
    let text: String
    let lines: [Substring]
    var diagnostics: [RuleDiagnostic] = []

    static let lineBreaks: Set<Character> = ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]

    init(file: String, text: String) {
        self.file = file
        self.text = text
        // The lines as YAML counts them (its marks are what positions start from): LF, CR LF (one Character in
        // Swift), CR, NEL, LS and PS all end a line.
        self.lines = text.split(omittingEmptySubsequences: false) { Self.lineBreaks.contains($0) }
    }

    /// Parses the document; reports a `yaml-syntax` error and returns nil if it is not YAML.
    mutating func root() -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                error(.missingField, "the file is empty", at: SourceLocation(file: file, line: 1, column: 1))
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            var location = SourceLocation(file: file, line: 1, column: 1)
            var message = "\(yamlError)"
            switch yamlError {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                location = SourceLocation(file: file, line: mark.line, column: mark.column)
                message = problem
            case .duplicatedKeysInMapping(let duplicates, let context):
                location = SourceLocation(file: file, line: context.mark.line, column: context.mark.column)
                let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
                error(.duplicateName, "\(names) appears twice in the same mapping", at: location)
                return nil
            default: break
            }
            error(.yamlSyntax, "not valid YAML: \(message)", at: location)
            return nil
        } catch {
            self.error(.yamlSyntax, "not valid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
            return nil
        }
    }

    mutating func error(_ code: RuleDiagnostic.Code, _ message: String, at location: SourceLocation) {
        diagnostics.append(RuleDiagnostic(.error, code, message, at: location))
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// The members of a mapping, checking for unknown and duplicate keys. Returns nil (and reports) if the node
    /// is not a mapping.
    mutating func mapping(_ node: Node, what: String, allowed: Set<String>? = nil) -> [(key: Located<String>, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(.wrongShape, "\(what) must be a mapping of 'key: value' lines", at: location(node))
            return nil
        }
        var result: [(key: Located<String>, value: Node)] = []
        var seen = Set<String>()
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(.wrongShape, "keys in \(what) must be plain words", at: location(keyNode))
                continue
            }
            let key = Located(scalar.string, at: location(keyNode))
            guard seen.insert(scalar.string).inserted else {
                error(.duplicateName, "'\(scalar.string)' appears twice in \(what)", at: key.location)
                continue
            }
            if let allowed, !allowed.contains(scalar.string) {
                var message = "unknown key '\(scalar.string)' in \(what)"
                if let near = Spelling.nearest(to: scalar.string, in: allowed) { message += " — did you mean '\(near)'?" }
                error(.unknownKey, message, at: key.location)
                continue
            }
            result.append((key, value))
        }
        return result
    }

    mutating func sequence(_ node: Node, what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(.wrongShape, "\(what) must be a list ('- item' lines)", at: location(node))
            return nil
        }
        return Array(sequence)
    }

    mutating func string(_ node: Node, what: String) -> Located<String>? {
        guard case .scalar(let scalar) = node else {
            error(.wrongShape, "\(what) must be a single value", at: location(node))
            return nil
        }
        return Located(scalar.string, at: location(node))
    }

    mutating func strings(_ node: Node, what: String) -> [Located<String>] {
        if case .scalar = node { return string(node, what: what).map { [$0] } ?? [] }
        return (sequence(node, what: what) ?? []).compactMap { string($0, what: "an entry of \(what)") }
    }

    /// `{da: …, en: …}` texts.
    mutating func texts(_ node: Node, what: String) -> Texts? {
        guard let members = mapping(node, what: what, allowed: ["da", "en"]) else { return nil }
        var da: Located<String>?
        var en: Located<String>?
        for (key, value) in members {
            let text = string(value, what: "\(what).\(key.value)")
            if key.value == "da" { da = text } else { en = text }
        }
        return Texts(da: da, en: en, at: location(node))
    }

    /// A scalar, mapping or sequence as JSON, with YAML 1.1 types resolved (`true`, `42`, `3.5`, `null`; quoted
    /// text stays text).
    func json(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if node.null != nil { return .null }
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .int(Int64(i)) }
                if let d = node.float, d.isFinite { return .double(d) }
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            return .object(mapping.map { (key, value) in (key.string ?? "", json(value)) })
        case .sequence(let sequence):
            return .array(sequence.map { json($0) })
        case .alias:
            return .null
        }
    }

    /// The expression text of a scalar, with a map from text offsets back to file positions.
    mutating func expression(_ node: Node, what: String) -> ExpressionSource? {
        guard case .scalar(let scalar) = node, let mark = scalar.mark else {
            error(.wrongShape, "\(what) must be an expression (text)", at: location(node))
            return nil
        }
        let content = scalar.string
        switch scalar.style {
        case .literal:
            return ExpressionSource(content, file: file, segments: literalSegments(content, after: mark.line))
        case .folded:
            return ExpressionSource(content, file: file, segments: foldedSegments(content, mark: mark, firstOnMarkLine: false))
        case .plain:
            return ExpressionSource(content, file: file, segments: flowSegments(content, mark: mark, quote: nil))
        case .singleQuoted:
            return ExpressionSource(content, file: file, segments: flowSegments(content, mark: mark, quote: UInt8(ascii: "'")))
        case .doubleQuoted:
            return ExpressionSource(content, file: file, segments: flowSegments(content, mark: mark, quote: UInt8(ascii: "\"")))
        default:
            return ExpressionSource(content, at: SourceLocation(file: file, line: mark.line, column: mark.column))
        }
    }

    /// Flow scalars (plain, '…', "…"): YAML folds a line break into a space, or into one newline per blank line
    /// that follows; strips leading and trailing blanks around breaks; and unescapes `''` and `\x`. Each
    /// discontinuity starts a new segment, so offsets in the text map back to the file exactly.
    private func flowSegments(_ content: String, mark: Mark, quote: UInt8?) -> [ExpressionSource.Segment] {
        var segments: [ExpressionSource.Segment] = []
        let total = content.utf8.count
        var offset = 0
        var lineIndex = mark.line - 1
        var column = mark.column - 1 + (quote == nil ? 0 : 1)  // 0-based byte column
        while lineIndex < lines.count, offset <= total {
            let line = Array(lines[lineIndex].utf8)
            segments.append(.init(offset: offset, line: lineIndex + 1, column: column + 1))
            var i = column
            var end = line.count
            if quote == nil {
                while end > i, line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
                offset += end - i
                i = end
            }
            var closed = false
            while i < end, let quote {
                let byte = line[i]
                if byte == quote {
                    if quote == UInt8(ascii: "'"), i + 1 < end, line[i + 1] == quote {
                        offset += 1
                        i += 2
                        segments.append(.init(offset: offset, line: lineIndex + 1, column: i + 1))
                        continue
                    }
                    closed = true
                    break
                }
                if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\"), i + 1 < end {
                    let escape = line[i + 1]
                    var width = 2
                    var produced = 1
                    if escape == UInt8(ascii: "u"), i + 5 < end {
                        width = 6
                        let hex = String(decoding: line[(i + 2)..<(i + 6)], as: UTF8.self)
                        produced = UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init).map { String($0).utf8.count } ?? 1
                    }
                    offset += produced
                    i += width
                    segments.append(.init(offset: offset, line: lineIndex + 1, column: i + 1))
                    continue
                }
                offset += 1
                i += 1
            }
            if closed || offset >= total { break }
            // A line break: count the blank lines after it; continue at the next line's first non-blank.
            if quote != nil {
                // Trailing blanks before a break are not content.
                var trailing = 0
                var k = i - 1
                while k >= column, line[k] == 32 || line[k] == 9 {
                    trailing += 1
                    k -= 1
                }
                offset -= trailing
            }
            var blanks = 0
            lineIndex += 1
            while lineIndex < lines.count, indentation(ofLine: lineIndex) == nil {
                blanks += 1
                lineIndex += 1
            }
            offset += max(blanks, 1)
            column = indentation(ofLine: lineIndex) ?? 0
        }
        return segments.isEmpty ? [.init(offset: 0, line: mark.line, column: mark.column)] : segments
    }

    private func indentation(ofLine index: Int) -> Int? {
        guard index >= 0, index < lines.count else { return nil }
        let line = lines[index]
        guard line.contains(where: { $0 != " " && $0 != "\t" }) else { return nil }
        return line.prefix(while: { $0 == " " }).count
    }

    /// Literal block (`|`): content line k is file line `markLine + 1 + k`, at the block's indentation.
    private func literalSegments(_ content: String, after markLine: Int) -> [ExpressionSource.Segment] {
        var indent = 0
        var probe = markLine
        while probe < lines.count {
            if let i = indentation(ofLine: probe) {
                indent = i
                break
            }
            probe += 1
        }
        var segments: [ExpressionSource.Segment] = []
        var offset = 0
        for (k, line) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            segments.append(.init(offset: offset, line: markLine + 1 + k, column: indent + 1))
            offset += line.utf8.count + 1
        }
        return segments
    }

    /// Folded text (plain multi-line or `>`): each file line contributes its trimmed text and one space.
    private func foldedSegments(_ content: String, mark: Mark, firstOnMarkLine: Bool) -> [ExpressionSource.Segment] {
        var segments: [ExpressionSource.Segment] = []
        var offset = 0
        var lineIndex = mark.line - 1
        let total = content.utf8.count
        if firstOnMarkLine {
            segments.append(.init(offset: 0, line: mark.line, column: mark.column))
            let rest = lineIndex < lines.count ? lines[lineIndex].utf8.count - (mark.column - 1) : 0
            offset = max(0, rest) + 1
        }
        lineIndex += 1
        while offset < total, lineIndex < lines.count {
            guard let indent = indentation(ofLine: lineIndex) else {
                lineIndex += 1
                continue
            }
            segments.append(.init(offset: offset, line: lineIndex + 1, column: indent + 1))
            let trimmed = lines[lineIndex].utf8.count - indent
            offset += trimmed + 1
            lineIndex += 1
        }
        return segments
    }
}

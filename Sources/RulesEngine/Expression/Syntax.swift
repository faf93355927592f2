/// A byte range inside one expression's text.
public struct Span: Hashable, Sendable {
    public var start: Int
    public var end: Int
}

/// The parsed (untyped) form of an expression.
indirect enum Expr: Sendable {
    enum Literal: Sendable {
        case null, bool(Bool), int(Int64), number(Double), string(String)
    }
    enum UnaryOp: Sendable { case not }
    enum BinaryOp: String, Sendable {
        case and = "&&", or = "||", equal = "==", notEqual = "!=", less = "<", lessEqual = "<=",
            greater = ">", greaterEqual = ">=", `in` = "in", notIn = "not in"
    }

    case literal(Literal, Span)
    case list([Expr], Span)
    /// `a.b.c`: a definition, a parameter (`params.x`), a request field, or a macro variable and its fields.
    case path([String], Span)
    case unary(UnaryOp, Expr, Span)
    case binary(BinaryOp, Expr, Expr, Span)
    case call(String, [Expr], Span)
    /// `receiver.name(args)`, used for the `exists` and `all` macros.
    case method(Expr, String, [Expr], Span)

    var span: Span {
        switch self {
        case .literal(_, let s), .list(_, let s), .path(_, let s), .unary(_, _, let s), .binary(_, _, _, let s),
            .call(_, _, let s), .method(_, _, _, let s):
            s
        }
    }
}

/// An expression syntax error at a byte offset of the expression text.
struct ExpressionSyntaxError: Error, Sendable {
    var message: String
    var offset: Int
}

struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case identifier(String), int(Int64), number(Double), string(String)
        case symbol(String)
        case end
    }
    var kind: Kind
    var span: Span
}

/// Splits expression text into tokens; `#` starts a comment to the end of the line.
struct Lexer {
    static func tokens(_ text: String) throws(ExpressionSyntaxError) -> [Token] {
        let bytes = Array(text.utf8)
        var tokens: [Token] = []
        var i = 0
        func isIdentStart(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95
        }
        func isIdent(_ b: UInt8) -> Bool { isIdentStart(b) || (b >= 48 && b <= 57) }
        while i < bytes.count {
            let b = bytes[i]
            if b == 32 || b == 9 || b == 10 || b == 13 {
                i += 1
                continue
            }
            if b == UInt8(ascii: "#") {
                while i < bytes.count, bytes[i] != 10 { i += 1 }
                continue
            }
            let start = i
            if isIdentStart(b) {
                while i < bytes.count, isIdent(bytes[i]) { i += 1 }
                let word = String(decoding: bytes[start..<i], as: UTF8.self)
                tokens.append(Token(kind: .identifier(word), span: Span(start: start, end: i)))
                continue
            }
            if b >= 48 && b <= 57 {
                var isInteger = true
                while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
                if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "."), bytes[i + 1] >= 48 && bytes[i + 1] <= 57 {
                    isInteger = false
                    i += 1
                    while i < bytes.count, bytes[i] >= 48 && bytes[i] <= 57 { i += 1 }
                }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                let span = Span(start: start, end: i)
                if isInteger, let value = Int64(text) {
                    tokens.append(Token(kind: .int(value), span: span))
                } else if let value = Double(text) {
                    tokens.append(Token(kind: .number(value), span: span))
                } else {
                    throw ExpressionSyntaxError(message: "number '\(text)' is out of range", offset: start)
                }
                continue
            }
            if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                i += 1
                var content: [UInt8] = []
                var closed = false
                while i < bytes.count {
                    let c = bytes[i]
                    if c == b {
                        closed = true
                        i += 1
                        break
                    }
                    if c == UInt8(ascii: "\\"), i + 1 < bytes.count {
                        let escaped = bytes[i + 1]
                        switch escaped {
                        case UInt8(ascii: "n"): content.append(10)
                        case UInt8(ascii: "t"): content.append(9)
                        default: content.append(escaped)
                        }
                        i += 2
                        continue
                    }
                    if c == 10 { break }
                    content.append(c)
                    i += 1
                }
                guard closed else {
                    throw ExpressionSyntaxError(message: "text in quotes is not closed on this line", offset: start)
                }
                tokens.append(
                    Token(kind: .string(String(decoding: content, as: UTF8.self)), span: Span(start: start, end: i)))
                continue
            }
            let two = i + 1 < bytes.count ? String(decoding: bytes[i...i + 1], as: UTF8.self) : ""
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                tokens.append(Token(kind: .symbol(two), span: Span(start: i, end: i + 2)))
                i += 2
                continue
            }
            let one = String(UnicodeScalar(b))
            if ["<", ">", "!", "(", ")", "[", "]", ",", "."].contains(one) {
                tokens.append(Token(kind: .symbol(one), span: Span(start: i, end: i + 1)))
                i += 1
                continue
            }
            if b == UInt8(ascii: "=") {
                throw ExpressionSyntaxError(message: "'=' is not an operator; write '==' to compare", offset: i)
            }
            if b == UInt8(ascii: "&") || b == UInt8(ascii: "|") {
                throw ExpressionSyntaxError(
                    message: "write '\(one)\(one)' (or '\(b == 38 ? "and" : "or")')", offset: i)
            }
            throw ExpressionSyntaxError(message: "unexpected character '\(one)'", offset: i)
        }
        tokens.append(Token(kind: .end, span: Span(start: bytes.count, end: bytes.count)))
        return tokens
    }
}

/// Recursive-descent parser. Precedence, loosest first: `||`, `&&`, comparisons and `in`, `!`, `.` and calls.
struct ExpressionParser {
    private var tokens: [Token]
    private var index = 0
    private var depth = 0
    static let maxDepth = 64

    static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expr {
        var parser = ExpressionParser(tokens: try Lexer.tokens(text))
        if case .end = parser.current.kind {
            throw ExpressionSyntaxError(message: "the expression is empty", offset: 0)
        }
        let expr = try parser.parseOr()
        guard case .end = parser.current.kind else {
            throw ExpressionSyntaxError(message: "unexpected \(parser.current.describe) after a complete expression", offset: parser.current.span.start)
        }
        return expr
    }

    private init(tokens: [Token]) {
        self.tokens = tokens
    }

    private var current: Token { tokens[index] }

    private mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isSymbol(_ s: String) -> Bool { current.kind == .symbol(s) }
    private func isWord(_ s: String) -> Bool { current.kind == .identifier(s) }

    private mutating func expectSymbol(_ s: String, _ context: String) throws(ExpressionSyntaxError) {
        guard isSymbol(s) else {
            throw ExpressionSyntaxError(message: "expected '\(s)' \(context), found \(current.describe)", offset: current.span.start)
        }
        _ = advance()
    }

    private mutating func parseOr() throws(ExpressionSyntaxError) -> Expr {
        var lhs = try parseAnd()
        while isSymbol("||") || isWord("or") {
            _ = advance()
            let rhs = try parseAnd()
            lhs = .binary(.or, lhs, rhs, Span(start: lhs.span.start, end: rhs.span.end))
        }
        return lhs
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> Expr {
        var lhs = try parseComparison()
        while isSymbol("&&") || isWord("and") {
            _ = advance()
            let rhs = try parseComparison()
            lhs = .binary(.and, lhs, rhs, Span(start: lhs.span.start, end: rhs.span.end))
        }
        return lhs
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> Expr {
        let lhs = try parseUnary()
        let op: Expr.BinaryOp
        switch current.kind {
        case .symbol("=="): op = .equal
        case .symbol("!="): op = .notEqual
        case .symbol("<"): op = .less
        case .symbol("<="): op = .lessEqual
        case .symbol(">"): op = .greater
        case .symbol(">="): op = .greaterEqual
        case .identifier("in"): op = .in
        case .identifier("not") where tokens[index + 1].kind == .identifier("in"):
            _ = advance()
            op = .notIn
        default: return lhs
        }
        let opToken = advance()
        let rhs = try parseUnary()
        switch current.kind {
        case .symbol("=="), .symbol("!="), .symbol("<"), .symbol("<="), .symbol(">"), .symbol(">="), .identifier("in"):
            throw ExpressionSyntaxError(
                message: "comparisons cannot be chained; combine them with '&&' and parentheses",
                offset: current.span.start)
        default: break
        }
        _ = opToken
        return .binary(op, lhs, rhs, Span(start: lhs.span.start, end: rhs.span.end))
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Expr {
        if isSymbol("!") || (isWord("not") && tokens[index + 1].kind != .identifier("in")) {
            let start = advance().span.start
            depth += 1
            defer { depth -= 1 }
            guard depth < Self.maxDepth else {
                throw ExpressionSyntaxError(message: "expression nested too deeply", offset: start)
            }
            let operand = try parseUnary()
            return .unary(.not, operand, Span(start: start, end: operand.span.end))
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(ExpressionSyntaxError) -> Expr {
        var expr = try parsePrimary()
        while isSymbol(".") {
            _ = advance()
            guard case .identifier(let name) = current.kind else {
                throw ExpressionSyntaxError(message: "expected a field name after '.'", offset: current.span.start)
            }
            let nameToken = advance()
            if isSymbol("(") {
                let (args, end) = try parseArguments()
                expr = .method(expr, name, args, Span(start: expr.span.start, end: end))
            } else if case .path(let parts, let span) = expr {
                expr = .path(parts + [name], Span(start: span.start, end: nameToken.span.end))
            } else {
                throw ExpressionSyntaxError(
                    message: "'.\(name)' can only follow a field name", offset: nameToken.span.start)
            }
        }
        return expr
    }

    private mutating func parseArguments() throws(ExpressionSyntaxError) -> ([Expr], Int) {
        try expectSymbol("(", "to start the arguments")
        var args: [Expr] = []
        if !isSymbol(")") {
            args.append(try parseNested())
            while isSymbol(",") {
                _ = advance()
                args.append(try parseNested())
            }
        }
        let end = current.span.end
        try expectSymbol(")", "to close the arguments")
        return (args, end)
    }

    private mutating func parseNested() throws(ExpressionSyntaxError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth < Self.maxDepth else {
            throw ExpressionSyntaxError(message: "expression nested too deeply", offset: current.span.start)
        }
        return try parseOr()
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Expr {
        let token = current
        switch token.kind {
        case .int(let v):
            _ = advance()
            return .literal(.int(v), token.span)
        case .number(let v):
            _ = advance()
            return .literal(.number(v), token.span)
        case .string(let s):
            _ = advance()
            return .literal(.string(s), token.span)
        case .identifier("true"):
            _ = advance()
            return .literal(.bool(true), token.span)
        case .identifier("false"):
            _ = advance()
            return .literal(.bool(false), token.span)
        case .identifier("null"):
            _ = advance()
            return .literal(.null, token.span)
        case .identifier(let name) where ["and", "or", "in", "not"].contains(name):
            throw ExpressionSyntaxError(message: "'\(name)' needs a value before it", offset: token.span.start)
        case .identifier(let name):
            _ = advance()
            if isSymbol("(") {
                let (args, end) = try parseArguments()
                return .call(name, args, Span(start: token.span.start, end: end))
            }
            return .path([name], token.span)
        case .symbol("("):
            _ = advance()
            let inner = try parseNested()
            try expectSymbol(")", "to close '('")
            return inner
        case .symbol("["):
            _ = advance()
            var elements: [Expr] = []
            if !isSymbol("]") {
                elements.append(try parseNested())
                while isSymbol(",") {
                    _ = advance()
                    if isSymbol("]") { break }  // a trailing comma is fine in a list
                    elements.append(try parseNested())
                }
            }
            let end = current.span.end
            try expectSymbol("]", "to close the list")
            return .list(elements, Span(start: token.span.start, end: end))
        case .end:
            throw ExpressionSyntaxError(message: "the expression ends too early", offset: token.span.start)
        case .symbol(let s):
            throw ExpressionSyntaxError(message: "unexpected '\(s)'", offset: token.span.start)
        }
    }
}

extension Token {
    var describe: String {
        switch kind {
        case .identifier(let s): "'\(s)'"
        case .int(let v): "\(v)"
        case .number(let v): "\(v)"
        case .string(let s): "\"\(s)\""
        case .symbol(let s): "'\(s)'"
        case .end: "the end of the expression"
        }
    }
}

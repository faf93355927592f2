import Synchronization

/// A function that packs may call: its name, signature, type rule and implementation.
///
/// Functions are pure and total: they never fail at evaluation time, because ``check`` has already
/// rejected every argument list the implementation cannot handle.
public struct FunctionDefinition: Sendable {
    public var name: String
    /// Human-readable signature for diagnostics and documentation, e.g. `intersects(list<T>, list<T>) -> bool`.
    public var signature: String
    /// Argument counts accepted.
    public var arity: ClosedRange<Int>
    /// Returns the result type for the argument types, or a message saying what is wrong.
    public var check: @Sendable ([TypeInfo]) -> Result<TypeInfo, FunctionTypeError>
    public var implementation: @Sendable ([Value]) -> Value

    public init(
        name: String, signature: String, arity: ClosedRange<Int>,
        check: @escaping @Sendable ([TypeInfo]) -> Result<TypeInfo, FunctionTypeError>,
        implementation: @escaping @Sendable ([Value]) -> Value
    ) {
        self.name = name
        self.signature = signature
        self.arity = arity
        self.check = check
        self.implementation = implementation
    }
}

/// Why a function does not accept its arguments.
public struct FunctionTypeError: Error, Sendable {
    public var message: String
    /// The argument at fault, if one is.
    public var argument: Int?

    public init(_ message: String, argument: Int? = nil) {
        self.message = message
        self.argument = argument
    }
}

/// The functions packs may call. ``standard`` holds the built-in ones; an embedding program can add more.
public struct FunctionRegistry: Sendable {
    public private(set) var functions: [String: FunctionDefinition] = [:]

    public init(_ definitions: [FunctionDefinition] = []) {
        for definition in definitions { register(definition) }
    }

    public mutating func register(_ definition: FunctionDefinition) {
        functions[definition.name] = definition
    }

    public subscript(name: String) -> FunctionDefinition? { functions[name] }

    /// `size`, `count`, `intersects`, `date`, `days_between`, `coalesce`, `normalise`, `matches`.
    public static let standard = FunctionRegistry([
        FunctionDefinition(
            name: "size", signature: "size(list<T>) -> int", arity: 1...1,
            check: { args in
                guard case .list = args[0].type else { return .failure(FunctionTypeError("size needs a list", argument: 0)) }
                return .success(TypeInfo(.int))
            },
            implementation: { args in
                if case .list(let l) = args[0] { return .int(Int64(l.count)) }
                return .int(0)
            }),
        FunctionDefinition(
            name: "count", signature: "count(bool, …) -> int", arity: 1...64,
            check: { args in
                for (i, arg) in args.enumerated() {
                    guard case .bool = arg.type, !arg.nullable else {
                        return .failure(FunctionTypeError("count counts conditions; argument \(i + 1) is \(arg)", argument: i))
                    }
                }
                return .success(TypeInfo(.int))
            },
            implementation: { args in
                var n: Int64 = 0
                for arg in args where arg.boolValue { n += 1 }
                return .int(n)
            }),
        FunctionDefinition(
            name: "intersects", signature: "intersects(list<T>, list<T>) -> bool", arity: 2...2,
            check: { args in
                guard case .list(let a) = args[0].type else { return .failure(FunctionTypeError("intersects needs two lists", argument: 0)) }
                guard case .list(let b) = args[1].type else { return .failure(FunctionTypeError("intersects needs two lists", argument: 1)) }
                guard a.isComparable(with: b) else {
                    return .failure(FunctionTypeError("cannot intersect list<\(a)> with list<\(b)>", argument: 1))
                }
                return .success(TypeInfo(.bool))
            },
            implementation: { args in
                guard case .list(let a) = args[0], case .list(let b) = args[1] else { return .bool(false) }
                for x in a where b.contains(where: { Evaluator.equal(x, $0) }) { return .bool(true) }
                return .bool(false)
            }),
        FunctionDefinition(
            name: "date", signature: "date(\"YYYY-MM-DD\") -> date", arity: 1...1,
            check: { args in
                guard args[0].type.isText else { return .failure(FunctionTypeError("date needs text like \"2027-12-02\"", argument: 0)) }
                return .success(TypeInfo(.date, nullable: true))
            },
            implementation: { args in
                if case .string(let s) = args[0], let day = Day(iso: s) { return .date(day) }
                return .null
            }),
        FunctionDefinition(
            name: "days_between", signature: "days_between(date, date) -> int|null", arity: 2...2,
            check: { args in
                for i in 0..<2 {
                    guard case .date = args[i].type else { return .failure(FunctionTypeError("days_between needs two dates", argument: i)) }
                }
                return .success(TypeInfo(.int, nullable: true))
            },
            implementation: { args in
                guard case .date(let a) = args[0], case .date(let b) = args[1] else { return .null }
                return .int(Int64(b.daysSinceEpoch) - Int64(a.daysSinceEpoch))
            }),
        FunctionDefinition(
            name: "coalesce", signature: "coalesce(T|null, T) -> T", arity: 2...2,
            check: { args in
                guard args[0].type.isComparable(with: args[1].type) else {
                    return .failure(FunctionTypeError("the fallback must have the same type as the value (\(args[0].type))", argument: 1))
                }
                let type: ValueType = if case .any = args[0].type { args[1].type } else { args[0].type }
                return .success(TypeInfo(type, nullable: args[1].nullable))
            },
            implementation: { args in args[0].isNull ? args[1] : args[0] }),
        FunctionDefinition(
            name: "normalise", signature: "normalise(string|null) -> string|null", arity: 1...1,
            check: { args in
                guard args[0].type.isText || isAny(args[0].type) else {
                    return .failure(FunctionTypeError("normalise needs text", argument: 0))
                }
                return .success(TypeInfo(.string, nullable: args[0].nullable))
            },
            implementation: { args in
                guard case .string(let s) = args[0] else { return .null }
                return .string(TextNormalisation.normalise(s))
            }),
        FunctionDefinition(
            name: "matches", signature: "matches(string|null, \"pattern\") -> bool", arity: 2...2,
            check: { args in
                guard args[0].type.isText || isAny(args[0].type) else {
                    return .failure(FunctionTypeError("matches needs text as its first argument", argument: 0))
                }
                guard args[1].type.isText, !args[1].nullable else {
                    return .failure(FunctionTypeError("matches needs a pattern (text) as its second argument", argument: 1))
                }
                return .success(TypeInfo(.bool))
            },
            implementation: { args in
                guard case .string(let text) = args[0], case .string(let pattern) = args[1] else { return .bool(false) }
                return .bool(TextNormalisation.matches(text, pattern))
            }),
    ])

    private static func isAny(_ type: ValueType) -> Bool {
        if case .any = type { return true }
        return false
    }
}

/// Text helpers behind `normalise` and `matches`.
enum TextNormalisation {
    /// Lower case; every run of characters that are not letters or digits (spaces, `_`, `-`, `.`, `(`, `)`,
    /// `§`, `/` …) becomes one `_`; no `_` at either end. `"Seksuel-orientering "` → `"seksuel_orientering"`,
    /// `"Art. 6(1)(f)"` → `"art_6_1_f"`.
    static func normalise(_ text: String) -> String {
        // ASCII (nearly every request text field a pack normalises): byte by byte, no Unicode property lookups.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return normaliseUnicode(text) }
        return String(unsafeUninitializedCapacity: text.utf8.count) { out in
            var count = 0
            var pendingSeparator = false
            for byte in text.utf8 {
                let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if (0x61...0x7A).contains(lower) || (0x30...0x39).contains(lower) {
                    if pendingSeparator && count > 0 {
                        out[count] = 0x5F
                        count += 1
                    }
                    pendingSeparator = false
                    out[count] = lower
                    count += 1
                } else {
                    pendingSeparator = true
                }
            }
            return count
        }
    }

    /// ``normalise(_:)`` for any text, by `Character` (letters and numbers as Unicode defines them).
    static func normaliseUnicode(_ text: String) -> String {
        var out = ""
        var pendingSeparator = false
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber {
                if pendingSeparator && !out.isEmpty { out.append("_") }
                pendingSeparator = false
                out.append(ch)
            } else {
                pendingSeparator = true
            }
        }
        return out
    }

    /// Whether `pattern` (a regular expression) occurs in `text`, ignoring case. An invalid pattern never
    /// matches.
    static func matches(_ text: String, _ pattern: String) -> Bool {
        // The same request text meets the same pattern again and again (a screening's next steps evaluate the pack
        // once per open duty), and a regex search costs microseconds: recent answers are remembered.
        let key = MatchKey(text: text, pattern: pattern)
        if let known = recent.withLock({ $0[key] }) { return known }
        guard let regex = compiled(pattern) else { return false }
        let found = text.contains(regex)
        recent.withLock { memo in
            if memo.count >= 8_192 { memo.removeAll(keepingCapacity: true) }
            memo[key] = found
        }
        return found
    }

    private struct MatchKey: Hashable {
        var text: String
        var pattern: String
    }

    /// Recent `matches` answers (cleared when full: the texts of the requests being evaluated now are what repeats).
    private static let recent = Mutex<[MatchKey: Bool]>([:])

    /// A compiled pattern. A `Regex` is immutable once built, so sharing one between threads is safe.
    private struct Compiled: @unchecked Sendable {
        var regex: Regex<AnyRegexOutput>?
    }

    /// Patterns are pack literals, so the set is small: each is compiled once.
    private static let cache = Mutex<[String: Compiled]>([:])

    private static func compiled(_ pattern: String) -> Regex<AnyRegexOutput>? {
        if let hit = cache.withLock({ $0[pattern] }) { return hit.regex }
        let compiled = Compiled(regex: (try? Regex(pattern))?.ignoresCase())
        cache.withLock { if $0.count < 4096 { $0[pattern] = compiled } }
        return compiled.regex
    }
}

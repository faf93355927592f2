internal import Crypto
internal import Foundation
internal import GRDB
import Synchronization

/// Shared texts that a journal stores once instead of in every verdict: a list of JSON string literals (quotes
/// included), such as a pack's rule titles, rationales, citations and condition texts, which make up three quarters
/// of a combined result's bytes.
///
/// A compact result is the result's bytes with each literal found in the dictionary replaced by the byte `0x01` and
/// the entry's index (LEB128). `0x01` never occurs in JSON text (a control character must be escaped inside a
/// string and is invalid outside one), so expanding is exact: the bytes read back are the bytes written, whatever
/// the dictionary holds. Which texts it holds only decides how much is saved. A dictionary is stored once per
/// journal (table `result_dictionary`, schema 6) under the SHA-256 of its content, and checked against it when read.
public struct ResultDictionary: Sendable, Hashable {
    /// The literals, each a JSON string with its quotes, e.g. `"Lawful basis (Art. 6)"`.
    public let entries: [[UInt8]]
    /// `sha256:` and 64 hex digits over ``content``.
    public let digest: String
    /// The stored form: each entry as its length (LEB128) and its bytes.
    let content: [UInt8]
    /// Entry indexes by FNV-1a hash of the literal.
    private let index: [UInt64: [Int]]

    /// The shortest literal worth a reference (a reference takes 2–4 bytes).
    public static let minimumLength = 12

    /// A dictionary of `literals` (JSON string literals with quotes); shorter ones and repeats are left out.
    public init(literals: [[UInt8]]) {
        var seen = Set<[UInt8]>()
        var kept: [[UInt8]] = []
        for literal in literals where literal.count >= Self.minimumLength && literal.first == 0x22 && literal.last == 0x22 && !literal.contains(0x01) {
            if seen.insert(literal).inserted { kept.append(literal) }
        }
        var content: [UInt8] = []
        for entry in kept {
            Self.appendNumber(entry.count, to: &content)
            content += entry
        }
        self.init(entries: kept, content: content)
    }

    private init(entries: [[UInt8]], content: [UInt8]) {
        self.entries = entries
        self.content = content
        self.digest = "sha256:" + hex(SHA256.hash(data: content))
        var index: [UInt64: [Int]] = [:]
        for (position, entry) in entries.enumerated() { index[Self.hash(entry[...]), default: []].append(position) }
        self.index = index
    }

    /// Reads a stored dictionary; nil when `content` is not one or does not give `digest`.
    init?(content: [UInt8], digest: String) {
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < content.count {
            guard let length = Self.readNumber(content, &offset), length <= content.count - offset else { return nil }
            entries.append(Array(content[offset..<offset + length]))
            offset += length
        }
        self.init(entries: entries, content: content)
        guard self.digest == digest else { return nil }
    }

    public static func == (a: ResultDictionary, b: ResultDictionary) -> Bool { a.digest == b.digest }
    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }

    /// `result` with every literal of the dictionary replaced by a reference; nil when nothing would be saved or
    /// `result` holds a `0x01` byte (it is then no JSON, and is stored as it is).
    public func compact(_ result: [UInt8]) -> [UInt8]? {
        guard !entries.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(result.count / 3)
        var replaced = false
        var i = 0
        var copiedTo = 0
        let n = result.count
        while i < n {
            let byte = result[i]
            if byte == 0x01 { return nil }
            guard byte == 0x22 else {
                i += 1
                continue
            }
            // A string literal: find its closing quote, hashing as it goes.
            let start = i
            var h: UInt64 = Self.offsetBasis
            h = (h ^ 0x22) &* Self.prime
            i += 1
            while i < n {
                let c = result[i]
                if c == 0x01 { return nil }
                h = (h ^ UInt64(c)) &* Self.prime
                i += 1
                if c == 0x5C, i < n {  // backslash: the next byte is part of the escape
                    if result[i] == 0x01 { return nil }
                    h = (h ^ UInt64(result[i])) &* Self.prime
                    i += 1
                } else if c == 0x22 {
                    break
                }
            }
            let length = i - start
            guard length >= Self.minimumLength, let candidates = index[h] else { continue }
            for position in candidates where entries[position].count == length && entries[position].elementsEqual(result[start..<i]) {
                out += result[copiedTo..<start]
                out.append(0x01)
                Self.appendNumber(position, to: &out)
                copiedTo = i
                replaced = true
                break
            }
        }
        guard replaced else { return nil }
        out += result[copiedTo..<n]
        return out
    }

    /// The bytes `compact(_:)` was given.
    /// - Throws: ``JournalError/Code/corrupt`` when a reference names no entry.
    public func expand(_ compact: [UInt8]) throws(JournalError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count * 4)
        var i = 0
        var copiedTo = 0
        while i < compact.count {
            guard compact[i] == 0x01 else {
                i += 1
                continue
            }
            out += compact[copiedTo..<i]
            i += 1
            guard let position = Self.readNumber(compact, &i), position < entries.count else {
                throw JournalError(.corrupt, "a stored result refers to text \(i) that its dictionary \(digest) does not hold")
            }
            out += entries[position]
            copiedTo = i
        }
        out += compact[copiedTo...]
        return out
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x100_0000_01b3

    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var h = offsetBasis
        for byte in bytes { h = (h ^ UInt64(byte)) &* prime }
        return h
    }

    static func appendNumber(_ value: Int, to out: inout [UInt8]) {
        var v = UInt(value)
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func readNumber(_ bytes: [UInt8], _ offset: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while offset < bytes.count, shift < 35 {
            let byte = bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}

/// The dictionaries read so far, by digest (content-addressed and checked when read, so one cache serves every
/// journal of the process).
enum ResultDictionaries {
    private static let cache = Mutex<[String: ResultDictionary]>([:])

    /// The dictionary `digest` of the journal `db`.
    /// - Parameter fromFile: read it from `db` even when it is cached (``Journal/verify()``, so a dictionary changed
    ///   in the file is found by the process that wrote it too).
    static func load(_ digest: String, _ db: Database, fromFile: Bool = false) throws -> ResultDictionary {
        if !fromFile, let cached = cache.withLock({ $0[digest] }) { return cached }
        guard let content = try Data.fetchOne(db.cachedStatement(sql: "SELECT content FROM result_dictionary WHERE digest = ?"), arguments: [digest]) else {
            throw JournalError(.corrupt, "the result dictionary \(digest) is missing; run 'aiscreen journal verify'")
        }
        guard let dictionary = ResultDictionary(content: Array(content), digest: digest) else {
            throw JournalError(.corrupt, "the result dictionary \(digest) no longer gives its digest; run 'aiscreen journal verify'")
        }
        cache.withLock { $0[digest] = dictionary }
        return dictionary
    }

    /// Stores `dictionary` in `db` unless it is there.
    static func store(_ dictionary: ResultDictionary, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO result_dictionary (digest, content) VALUES (?, ?)")
            .execute(arguments: [dictionary.digest, Data(dictionary.content)])
        cache.withLock { $0[dictionary.digest] = dictionary }
    }
}

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
    /// Every entry's bytes, one after the other, and where each starts (one more at the end), so a lookup compares
    /// against one buffer without touching an entry's array.
    private let storage: [UInt8]
    private let offsets: [Int]
    /// Each entry's key (``key(_:_:)``), and an open-addressing table of entry index + 1 by key (0: empty slot).
    private let hashes: [UInt64]
    private let slots: [Int32]

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
        var storage: [UInt8] = []
        var offsets: [Int] = [0]
        for entry in entries {
            storage += entry
            offsets.append(storage.count)
        }
        self.storage = storage
        self.offsets = offsets
        self.hashes = entries.map { entry in entry.withUnsafeBufferPointer { Self.key($0.baseAddress!, $0.count) } }
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        var slots = [Int32](repeating: 0, count: size)
        for (position, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (size - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (size - 1) }
            slots[slot] = Int32(position + 1)
        }
        self.slots = slots
    }

    /// The entry whose bytes are `length` bytes at `start` with key `hash`, if any.
    @inline(__always)
    private func find(_ hash: UInt64, _ start: UnsafePointer<UInt8>, _ length: Int, _ slots: UnsafeBufferPointer<Int32>, _ storage: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let found = Int(slots[slot])
            if found == 0 { return nil }
            let position = found - 1
            let offset = offsets[position]
            if hashes[position] == hash, offsets[position + 1] - offset == length, memcmp(storage.baseAddress! + offset, start, length) == 0 {
                return position
            }
            slot = (slot + 1) & mask
        }
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
        return result.withUnsafeBufferPointer { bytes -> [UInt8]? in
            slots.withUnsafeBufferPointer { slots in
                storage.withUnsafeBufferPointer { storage -> [UInt8]? in
                    guard let base = bytes.baseAddress else { return nil }
                    let n = bytes.count
                    if memchr(base, 0x01, n) != nil { return nil }
                    var out: [UInt8] = []
                    var replaced = false
                    var copiedTo = 0
                    var i = 0
                    // Each string literal: its opening quote, then the first quote after it that no backslash escapes
                    // (memchr finds both; the bytes between are not looked at unless the literal may be an entry).
                    while i < n, let open = memchr(base + i, 0x22, n - i) {
                        let start = UnsafePointer(open.assumingMemoryBound(to: UInt8.self)) - base
                        var end = start + 1
                        while end < n, let close = memchr(base + end, 0x22, n - end) {
                            end = UnsafePointer(close.assumingMemoryBound(to: UInt8.self)) - base
                            var backslashes = 0
                            while base[end - 1 - backslashes] == 0x5C { backslashes += 1 }
                            if backslashes % 2 == 0 { break }
                            end += 1
                        }
                        guard end < n else { break }  // unterminated: the rest is left as it is
                        i = end + 1
                        let length = i - start
                        guard length >= Self.minimumLength,
                            let position = find(Self.key(base + start, length), base + start, length, slots, storage)
                        else { continue }
                        if !replaced { out.reserveCapacity(n / 3) }
                        out.append(contentsOf: UnsafeBufferPointer(start: base + copiedTo, count: start - copiedTo))
                        out.append(0x01)
                        Self.appendNumber(position, to: &out)
                        copiedTo = i
                        replaced = true
                    }
                    guard replaced else { return nil }
                    out.append(contentsOf: UnsafeBufferPointer(start: base + copiedTo, count: n - copiedTo))
                    return out
                }
            }
        }
    }

    /// The bytes `compact(_:)` was given.
    /// - Throws: ``JournalError/Code/corrupt`` when a reference names no entry.
    public func expand(_ compact: [UInt8]) throws(JournalError) -> [UInt8] {
        let expanded = compact.withUnsafeBufferPointer { bytes -> [UInt8]? in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count * 4)
            var i = 0
            var copiedTo = 0
            let n = bytes.count
            let base = bytes.baseAddress
            // memchr finds each reference's marker byte.
            while i < n, let base, let found = memchr(base + i, 0x01, n - i) {
                i = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedTo..<i]))
                i += 1
                guard let position = Self.readNumber(bytes, &i), position < entries.count else { return nil }
                out.append(contentsOf: storage[offsets[position]..<offsets[position + 1]])
                copiedTo = i
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copiedTo..<n]))
            return out
        }
        guard let expanded else {
            throw JournalError(.corrupt, "a stored result refers to a text that its dictionary \(digest) does not hold")
        }
        return expanded
    }

    /// A literal's table key, in constant time: its length and its first and last eight bytes, mixed. Literals that
    /// share them only cost a `memcmp` more in ``find(_:_:_:_:_:)``.
    @inline(__always)
    static func key(_ start: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let first, last: UInt64
        if length >= 8 {
            let raw = UnsafeRawPointer(start)
            first = raw.loadUnaligned(as: UInt64.self)
            last = raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        } else {  // only an entry of a dictionary read from a file can be this short
            var folded: UInt64 = 0
            for i in 0..<length { folded = folded << 8 | UInt64(start[i]) }
            (first, last) = (folded, folded)
        }
        var h = (first &* 0x9E37_79B9_7F4A_7C15) ^ (last &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
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
        bytes.withUnsafeBufferPointer { readNumber($0, &offset) }
    }

    static func readNumber(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: inout Int) -> Int? {
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
package enum ResultDictionaries {
    private static let cache = Mutex<[String: ResultDictionary]>([:])
    private static let reads = Mutex<[String: Int]>([:])

    /// How many times the dictionary `digest` was read from a journal file in this process (for tests: by digest, so
    /// tests running beside each other do not count each other's reads).
    package static func fileReads(of digest: String) -> Int { reads.withLock { $0[digest, default: 0] } }

    /// The dictionary `digest` of the journal `db`.
    /// - Parameter fromFile: read it from `db` even when it is cached (``Journal/verify()``, so a dictionary changed
    ///   in the file is found by the process that wrote it too).
    static func load(_ digest: String, _ db: Database, fromFile: Bool = false) throws -> ResultDictionary {
        if !fromFile, let cached = cache.withLock({ $0[digest] }) { return cached }
        reads.withLock { $0[digest, default: 0] += 1 }
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

import Testing
import Wire

/// Random frame lists from a seeded generator: decoding never traps, throws only ``WireError``, and whatever
/// decodes re-encodes to exactly the same frames (the encoding is canonical).
struct DecoderPropertyTests {
    static let iterations = 40_000

    @Test(arguments: [1 as UInt64, 0xA15C_0001, 0xDEAD_BEEF])
    func decodingRandomFramesOnlyThrowsWireErrorsAndSuccessesAreCanonical(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var decoded = 0
        var errorCodes: Set<WireError.Code> = []
        for _ in 0..<Self.iterations {
            let frames = Self.frames(using: &random)
            for outcome in Self.decodeAll(frames) {
                switch outcome {
                case .success(let reencoded):
                    decoded += 1
                    #expect(reencoded == frames, "re-encoding changed \(frames)")
                case .failure(let error):
                    errorCodes.insert(error.code)
                    if let requestID = error.requestID {
                        #expect(frames.count > 4 && frames[4] == requestID.bytes)
                    }
                }
            }
        }
        // The generator must reach both outcomes, and every error code the decoders can throw.
        #expect(decoded > Self.iterations / 20)
        #expect(errorCodes.count == 13, "only reached \(errorCodes)")
    }

    /// Runs every decoder; returns the re-encoded frames on success.
    private static func decodeAll(_ frames: [[UInt8]]) -> [Result<[[UInt8]], WireError>] {
        [
            Result { () throws(WireError) in try ClientMessage.decode(frames: frames).encode() },
            Result { () throws(WireError) in try BrokerReply.decode(frames: frames).encode() },
            Result { () throws(WireError) in try WorkerMessage.decode(frames: frames).encode() },
            Result { () throws(WireError) in try BrokerToWorker.decode(frames: frames).encode() },
        ]
    }

    /// Mostly mutations of valid messages, some entirely random frame lists.
    private static func frames(using random: inout SplitMix64) -> [[UInt8]] {
        if Int.random(in: 0..<10, using: &random) == 0 {
            return (0..<Int.random(in: 0...9, using: &random)).map { _ in randomBytes(using: &random) }
        }
        var frames = validMessages.randomElement(using: &random) ?? []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            mutate(&frames, using: &random)
        }
        return frames
    }

    private static func mutate(_ frames: inout [[UInt8]], using random: inout SplitMix64) {
        let index = frames.isEmpty ? 0 : Int.random(in: 0..<frames.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !frames.isEmpty:
            frames.remove(at: index)
        case 1:
            frames.insert(fieldSamples.randomElement(using: &random) ?? [], at: min(index, frames.count))
        case 2 where !frames.isEmpty:
            frames[index] = fieldSamples.randomElement(using: &random) ?? []
        case 3 where !frames.isEmpty && !frames[index].isEmpty:
            let byte = Int.random(in: 0..<frames[index].count, using: &random)
            frames[index][byte] = UInt8.random(in: 0...255, using: &random)
        case 4 where !frames.isEmpty:
            frames[index] = Array(frames[index].prefix(Int.random(in: 0...frames[index].count, using: &random)))
        case 5:
            frames.append(randomBytes(using: &random))
        case 6 where frames.count > 2:
            frames[2] = [UInt8.random(in: 0...8, using: &random)]
        default:
            frames = Array(frames.prefix(Int.random(in: 0...frames.count, using: &random)))
        }
    }

    private static func randomBytes(using random: inout SplitMix64) -> [UInt8] {
        let alphabet = bytes("AISCW01.-_,partials0123456789 {}~") + [0x00, 0x7F, 0x80, 0xC3, 0xA6, 0xFF]
        return (0..<Int.random(in: 0...12, using: &random)).map { _ in
            Bool.random(using: &random)
                ? alphabet.randomElement(using: &random) ?? 0
                : UInt8.random(in: 0...255, using: &random)
        }
    }

    private static let fieldSamples: [[UInt8]] = [
        [], [0x01], [0x02], [0x03], [0x04], [0x05], [0x06], bytes("AISC01"), bytes("AISW01"), bytes("screen"),
        bytes("pack.gdpr"), bytes("r-1"), bytes("0"), bytes("01"), bytes("4294967296"), bytes("partials"),
        bytes("internal"), bytes("{}"), [0xFF, 0xFE], bytes("t 1"),
    ]

    private static let validMessages: [[[UInt8]]] = {
        let id = try! RequestID("req-1")
        let ticket = try! TicketID("t-1")
        let pack = try! ServiceName.pack("gdpr")
        return [
            ClientMessage.request(service: .screen, requestID: id, body: bytes("{}")).encode(),
            ClientMessage.request(
                service: pack,
                requestID: id,
                deadline: Deadline(milliseconds: 250),
                options: .partials,
                body: bytes(#"{"a":1}"#)
            ).encode(),
            BrokerReply.partial(service: .screen, requestID: id, body: bytes("{}")).encode(),
            BrokerReply.final(service: .screen, requestID: id, body: bytes("{}")).encode(),
            BrokerReply.error(service: nil, requestID: id, code: .malformed, message: "bad").encode(),
            BrokerReply.error(service: pack, requestID: id, code: .noWorkers, message: "").encode(),
            WorkerMessage.ready(service: pack, metadata: bytes("{}")).encode(),
            WorkerMessage.final(ticket: ticket, body: bytes("{}")).encode(),
            WorkerMessage.error(ticket: ticket, code: .internalError, message: "x").encode(),
            WorkerMessage.heartbeat.encode(),
            WorkerMessage.disconnect(reason: "bye").encode(),
            BrokerToWorker.request(ticket: ticket, body: bytes("{}")).encode(),
            BrokerToWorker.disconnect(reason: nil).encode(),
        ]
    }()
}

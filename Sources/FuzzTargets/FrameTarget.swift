import Wire

/// Fuzz target for the wire codec: the input's frames through all four message decoders and the topic parser.
///
/// Must hold for every input: decoders throw only ``WireError`` (checked by the compiler: typed throws); whatever
/// decodes re-encodes to exactly the input frames; a failed client REQUEST names a request id only if frame 4 is
/// that id; a topic that parses is written back byte for byte.
public enum FrameTarget {
    public static func run(_ input: [UInt8]) throws(FuzzViolation) -> [FuzzOutcome] {
        let frames = FrameInput.frames(input)
        var outcomes: [FuzzOutcome] = []
        outcomes.append(try check(frames, "client") { () throws(WireError) in try ClientMessage.decode(frames: frames).encode() })
        outcomes.append(try check(frames, "reply") { () throws(WireError) in try BrokerReply.decode(frames: frames).encode() })
        outcomes.append(try check(frames, "worker") { () throws(WireError) in try WorkerMessage.decode(frames: frames).encode() })
        outcomes.append(try check(frames, "to-worker") { () throws(WireError) in try BrokerToWorker.decode(frames: frames).encode() })
        if let first = frames.first {
            switch Result(catching: { () throws(WireError) in try VerdictTopic(bytes: first) }) {
            case .success(let topic):
                guard topic.bytes == first else { throw FuzzViolation("topic \(first) re-encodes as \(topic.bytes)") }
                outcomes.append(.decoded)
            case .failure(let error):
                outcomes.append(.rejected(error.code.description))
            }
        }
        return outcomes
    }

    private static func check(
        _ frames: [[UInt8]],
        _ decoder: String,
        _ decodeAndEncode: () throws(WireError) -> [[UInt8]]
    ) throws(FuzzViolation) -> FuzzOutcome {
        switch Result(catching: decodeAndEncode) {
        case .success(let reencoded):
            guard reencoded == frames else {
                throw FuzzViolation("\(decoder): \(frames) decodes but re-encodes as \(reencoded)")
            }
            return .decoded
        case .failure(let error):
            if let requestID = error.requestID, !(frames.count > 4 && frames[4] == requestID.bytes) {
                throw FuzzViolation("\(decoder): error names request id \(requestID) that is not frame 4 of \(frames)")
            }
            return .rejected(error.code.description)
        }
    }
}

import FuzzDriver
import FuzzTargets

/// The input split into frames at 0xFE (FrameInput), through the client, reply, worker and broker-to-worker
/// decoders and the topic parser.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    FuzzDriver.check { () throws(FuzzViolation) in try FrameTarget.run(input) }
    return 0
}

FuzzDriver.run(testOneInput)

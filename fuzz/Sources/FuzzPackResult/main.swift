import FuzzDriver
import FuzzTargets

/// The input as a worker's FINAL body: the broker's fast reader and its strict decoder must agree, fail closed
/// and render canonically, for several screening dates (PackResultTarget).
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    FuzzDriver.check { () throws(FuzzViolation) in try PackResultTarget.run(input) }
    return 0
}

FuzzDriver.run(testOneInput)

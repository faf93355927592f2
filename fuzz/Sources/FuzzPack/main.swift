import FuzzDriver
import FuzzTargets

/// The input as the text of a pack.yaml: the loader (YAML, structure, expressions, compiler); a pack that
/// compiles is evaluated on example requests.
let target: PackTarget = {
    let target = PackTarget(repositoryRoot: FuzzDriver.repositoryRoot())
    guard target.isReady else { fatalError("cannot load the schema or the example requests") }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    FuzzDriver.check { () throws(FuzzViolation) in try target.run(input) }
    return 0
}

FuzzDriver.run(testOneInput)

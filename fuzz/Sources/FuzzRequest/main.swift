import FuzzDriver
import FuzzTargets
import RulesEngine

#if canImport(Glibc)
    import Glibc
#endif

/// The input as a request body: the JSON parser and the request decoder with the broker's default limits.
let target: RequestTarget = {
    let path = FuzzDriver.repositoryRoot() + "/config/schema/ai-tool-request.v1.json"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let schema = try? SchemaLoader.load(json: text) else {
        fatalError("cannot load the request schema \(path)")
    }
    return RequestTarget(schema: schema)
}()

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzDriver.bytes(data, size)
    FuzzDriver.check { () throws(FuzzViolation) in try target.run(input) }
    return 0
}

FuzzDriver.run(testOneInput)

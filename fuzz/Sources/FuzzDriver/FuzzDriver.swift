public import FuzzTargets

#if canImport(Glibc)
    internal import Glibc
#endif

/// libFuzzer's entry point for programs that have their own `main` (SwiftPM links every executable target's
/// `main` itself, so libFuzzer's `main` is not used).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

public enum FuzzDriver {
    /// Runs libFuzzer with the process's arguments and `testOneInput`, then exits with its status.
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// The input libFuzzer passed, as bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Runs one target on one input; a broken promise traps, so libFuzzer saves the input as a crash.
    public static func check<Result>(_ body: () throws(FuzzViolation) -> Result) {
        do throws(FuzzViolation) {
            _ = try body()
        } catch {
            fatalError("fuzz violation: \(error)")
        }
    }

    /// The aiscreen checkout this package is in (`fuzz/..`).
    public static func repositoryRoot(filePath: String = #filePath) -> String {
        // fuzz/Sources/FuzzDriver/FuzzDriver.swift
        var components = filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(4)
        return components.joined(separator: "/")
    }
}

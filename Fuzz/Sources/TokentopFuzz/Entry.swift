import Foundation

/// Hands control to libFuzzer's driver. SwiftPM names an executable's entry point after its module,
/// so libFuzzer's own `main` is not the one that runs; `LLVMFuzzerRunDriver` is its documented way in.
/// One executable serves every target; `TOKENTOP_FUZZ_TARGET` names the one to run (see `FuzzTarget`),
/// so the dependencies are linked once instead of once per target.
@main
enum TokentopFuzz {
    static func main() {
        _ = selectedTarget
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? Data() : Data(bytes: data!, count: size)
    selectedTarget.run(bytes)
    return 0
}

let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["TOKENTOP_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("set TOKENTOP_FUZZ_TARGET to one of: \(names)\n".utf8))
        exit(2)
    }
    return target
}()

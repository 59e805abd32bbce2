import CEngineDNNL
import CEngineKernels
import Foundation

/// How a layer's weights are held in memory.
public enum WeightPrecision: String, Sendable, CaseIterable, Codable {
    case f32, f16, bf16
}

/// How a model's layer weights are held when it loads.
public enum WeightPolicy: String, Sendable, CaseIterable, Codable {
    /// In the checkpoint's own precision (f16/bf16 files take half the memory of f32 ones).
    case asStored = "as-stored"
    /// Narrowed to bf16 (for the bf16 path: half the memory of an f32 checkpoint).
    case bf16
    /// Widened to f32, as the engine held every model before precision paths existed (for comparisons).
    case f32
}

/// The precision a model or request asks for. `auto` picks the fastest path this CPU has whose images
/// stay within the quality bar (bf16 ≥ 30 dB PSNR against f32, see docs/precision.md): bf16 where the CPU
/// has AVX-512 BF16 or AMX, f32 elsewhere. `int8` (dynamic quantisation, ≥ 25 dB) is the opt-in "fast"
/// precision: `auto` never picks it.
public enum Precision: String, Sendable, CaseIterable, Codable {
    case auto, f32, bf16, int8
}

/// The arithmetic the engine's matrix products run in.
public enum ComputePath: String, Sendable, CaseIterable, Codable {
    /// OpenBLAS sgemm (and Winograd for 3x3 convolutions); half-precision weights widened block by block.
    case f32
    /// oneDNN bf16 products with f32 accumulation and f32 activations between layers.
    case bf16
    /// Dynamic int8 quantisation of the UNet's and VAE's linear and convolution products (symmetric, a
    /// scale per weight row and per activation row or column, s8 x s8 -> s32 through oneDNN: VNNI or
    /// AMX-INT8 where the CPU has them); attention and the text encoder run as on the bf16 path where the
    /// CPU has it, else as on f32. Weights are held as bf16.
    case int8
}

/// Run-time choice of the compute path, from the CPU's flags.
public enum EnginePrecision {
    /// The path products run in for the current task or thread (`withCompute`); f32 unless set.
    @TaskLocal static var compute: ComputePath = .f32
    /// How weights loaded now are held (`withWeights`); as stored unless set.
    @TaskLocal static var weightPolicy: WeightPolicy = .asStored

    /// The CPU's features (AFK_CPU_* bits).
    static let features = afk_cpu_features()

    /// Whether the bf16 path can run here: AVX-512 BF16 or AMX-BF16, and oneDNN loaded.
    /// `ARTFACTORY_BF16=off` turns it off.
    public static let bf16Supported: Bool = {
        if ProcessInfo.processInfo.environment["ARTFACTORY_BF16"] == "off" { return false }
        let flags = AFK_CPU_AVX512_BF16 | AFK_CPU_AMX_BF16
        return features & flags != 0 && afk_dnnl_available() != 0
    }()

    /// Why bf16 is unavailable, or nil when it is available.
    public static var bf16Unavailability: String? {
        if bf16Supported { return nil }
        if ProcessInfo.processInfo.environment["ARTFACTORY_BF16"] == "off" { return "ARTFACTORY_BF16=off is set" }
        let flags = AFK_CPU_AVX512_BF16 | AFK_CPU_AMX_BF16
        if features & flags == 0 { return "this CPU has neither AVX-512 BF16 nor AMX-BF16 (flags: \(cpuFlags.joined(separator: " ")))" }
        return "oneDNN (libdnnl) could not create its CPU engine"
    }

    /// Whether the int8 path can run here: AVX2 + FMA (oneDNN's int8 kernels start there; VNNI and AMX-INT8
    /// are faster) and oneDNN loaded. `ARTFACTORY_INT8=off` turns it off.
    public static let int8Supported: Bool = {
        if ProcessInfo.processInfo.environment["ARTFACTORY_INT8"] == "off" { return false }
        return features & AFK_CPU_AVX2_FMA != 0 && afk_dnnl_available() != 0
    }()

    /// Why int8 is unavailable, or nil when it is available.
    public static var int8Unavailability: String? {
        if int8Supported { return nil }
        if ProcessInfo.processInfo.environment["ARTFACTORY_INT8"] == "off" { return "ARTFACTORY_INT8=off is set" }
        if features & AFK_CPU_AVX2_FMA == 0 { return "this CPU lacks AVX2 and FMA (flags: \(cpuFlags.joined(separator: " ")))" }
        return "oneDNN (libdnnl) could not create its CPU engine"
    }

    /// The kind of int8 kernels this CPU gives oneDNN, fastest first.
    public static var int8Kernels: String {
        if features & AFK_CPU_AMX_INT8 != 0 { return "amx_int8" }
        if features & AFK_CPU_AVX512_VNNI != 0 { return "avx512_vnni" }
        if features & AFK_CPU_AVX_VNNI != 0 { return "avx_vnni" }
        return "avx2"
    }

    /// The CPU flags that matter to the engine's paths, as /proc/cpuinfo spells them.
    public static var cpuFlags: [String] {
        let names: [(UInt32, String)] = [
            (AFK_CPU_AVX2_FMA, "avx2+fma"), (AFK_CPU_F16C, "f16c"), (AFK_CPU_AVX512F, "avx512f"),
            (AFK_CPU_AVX512_BF16, "avx512_bf16"), (AFK_CPU_AVX512_VNNI, "avx512_vnni"), (AFK_CPU_AVX_VNNI, "avx_vnni"),
            (AFK_CPU_AMX_BF16, "amx_bf16"), (AFK_CPU_AMX_INT8, "amx_int8"),
        ]
        return names.filter { features & $0.0 != 0 }.map(\.1)
    }

    /// The compute paths this machine can run, fastest last.
    public static var supportedPaths: [ComputePath] {
        [.f32] + (bf16Supported ? [.bf16] : []) + (int8Supported ? [.int8] : [])
    }

    /// The path `precision` means here.
    /// - Throws: `EngineError` `precision.unsupported` for bf16 or int8 on a CPU without it, saying why.
    public static func resolve(_ precision: Precision) throws -> ComputePath {
        switch precision {
        case .f32: return .f32
        case .auto: return bf16Supported ? .bf16 : .f32
        case .bf16:
            if let why = bf16Unavailability {
                throw EngineError(code: "precision.unsupported",
                                  message: "bf16 precision is not available: \(why). Use precision \"f32\" or \"auto\"")
            }
            return .bf16
        case .int8:
            if let why = int8Unavailability {
                throw EngineError(code: "precision.unsupported",
                                  message: "int8 precision is not available: \(why). Use precision \"f32\" or \"auto\"")
            }
            return .int8
        }
    }

    /// Runs `body` with the engine's products in `path` (on this task or thread).
    public static func withCompute<T>(_ path: ComputePath, _ body: () throws -> T) rethrows -> T {
        let runnable = (path == .bf16 && !bf16Supported) || (path == .int8 && !int8Supported) ? .f32 : path
        return try $compute.withValue(runnable, operation: body)
    }

    /// Runs `body` on the path the int8 path leaves unquantised (the text encoder, attention): bf16 where the
    /// CPU has it, f32 elsewhere; other paths run unchanged.
    public static func withoutInt8<T>(_ body: () throws -> T) rethrows -> T {
        guard compute == .int8 else { return try body() }
        return try $compute.withValue(bf16Supported ? .bf16 : .f32, operation: body)
    }

    /// Whether the kernels of the moment that have a bf16 form (attention, oneDNN convolutions) use it:
    /// on the bf16 path, and on the int8 path where the CPU has bf16.
    static var bf16Arithmetic: Bool { compute == .bf16 || (compute == .int8 && bf16Supported) }

    /// Runs `body` (a model load) keeping weights as stored, or narrowing them to bf16 when `narrow`.
    public static func withWeights<T>(narrowedToBF16 narrow: Bool, _ body: () throws -> T) rethrows -> T {
        try $weightPolicy.withValue(narrow ? .bf16 : .asStored, operation: body)
    }

    /// Runs `body` (a model load) with weights held as `policy` says.
    public static func withWeights<T>(_ policy: WeightPolicy, _ body: () throws -> T) rethrows -> T {
        try $weightPolicy.withValue(policy, operation: body)
    }

    /// The path products run in right now.
    public static var currentCompute: ComputePath { compute }
}

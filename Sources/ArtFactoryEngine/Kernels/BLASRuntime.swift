import Foundation

/// Chooses OpenBLAS's compute kernel for this CPU. OpenBLAS reads `OPENBLAS_CORETYPE` only when
/// the library loads, which happens at process start because the engine links it, so the daemon
/// calls `reexecWithFastKernelIfNeeded()` first thing in `main`: when a faster kernel applies and
/// the variable is unset, it sets it and re-executes the same binary with the same arguments.
/// The same re-exec sets `OMP_WAIT_POLICY=PASSIVE` for oneDNN's OpenMP threads (libgomp also reads it
/// only at load): by default they spin after every oneDNN call, taking one of the cores from the engine's
/// own threads running the passes between calls. Passive measured 6.89 → 5.78 s for the int8 UNet and
/// 7.33 → 6.77 s for bf16 on a 2-vCPU AMD EPYC (f32, mostly OpenBLAS, unchanged; docs/benchmarks.md).
public enum BLASRuntime {
    /// Environment variable OpenBLAS reads at load time.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Marker preventing a second re-exec.
    static let reexecMarker = "ARTFACTORY_BLAS_REEXEC"

    /// The kernel to force, or nil to keep OpenBLAS's own choice. On AVX-512 CPUs (with the
    /// F/BW/DQ/VL subsets) OpenBLAS's detection can fall back to its Haswell kernel; SkylakeX
    /// measured ~240 vs ~75–140 GFLOP/s there. AVX2-only CPUs (e.g. this project's AMD build
    /// hosts) keep the detected kernel: forcing SkylakeX there would be an illegal instruction.
    public static func recommendedCoreType(cpuFlags flags: Set<String>, environment: [String: String]) -> String? {
        if let existing = environment[coreTypeVariable], !existing.isEmpty { return nil }
        let avx512 = ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        return avx512 ? "SkylakeX" : nil
    }

    /// libgomp's wait policy variable, and the value the engine runs best with.
    public static let waitPolicyVariable = "OMP_WAIT_POLICY"

    /// Variables to set before re-executing: the OpenBLAS kernel (when one applies) and a passive OpenMP
    /// wait policy, each only where the environment does not already say.
    public static func recommendedEnvironment(cpuFlags flags: Set<String>, environment: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        if let core = recommendedCoreType(cpuFlags: flags, environment: environment) { out[coreTypeVariable] = core }
        if (environment[waitPolicyVariable] ?? "").isEmpty { out[waitPolicyVariable] = "PASSIVE" }
        return out
    }

    /// CPU feature flags from `/proc/cpuinfo` (empty where unavailable).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Sets `OPENBLAS_CORETYPE` (when a faster kernel applies) and `OMP_WAIT_POLICY` (when unset) and
    /// re-executes `/proc/self/exe`. Returns normally when nothing needs doing or the re-exec is impossible
    /// (the process then simply runs with the libraries' defaults).
    public static func reexecWithFastKernelIfNeeded(arguments: [String] = CommandLine.arguments) {
        let environment = ProcessInfo.processInfo.environment
        guard environment[reexecMarker] == nil else { return }
        let wanted = recommendedEnvironment(cpuFlags: cpuFlags(), environment: environment)
        guard !wanted.isEmpty else { return }
        for (name, value) in wanted { setenv(name, value, 1) }
        setenv(reexecMarker, "1", 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", &argv)
        // Only reached when execv failed: carry on with the default kernel.
        for pointer in argv { free(pointer) }
    }
}

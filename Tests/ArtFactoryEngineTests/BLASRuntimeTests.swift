import Testing
@testable import ArtFactoryEngine

@Suite struct BLASRuntimeTests {
    @Test func avx512CPUsGetTheSkylakeXKernel() {
        let flags: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASRuntime.recommendedCoreType(cpuFlags: flags, environment: [:]) == "SkylakeX")
    }

    @Test func avx2OnlyCPUsAndExplicitSettingsAreLeftAlone() {
        #expect(BLASRuntime.recommendedCoreType(cpuFlags: ["avx2", "fma"], environment: [:]) == nil)
        let flags: Set<String> = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASRuntime.recommendedCoreType(cpuFlags: flags, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == nil)
    }

    @Test func blasReportsItsKernelAndThreads() {
        #expect(!BLAS.coreName.isEmpty)
        #expect(BLAS.threadCount >= 1)
    }

    @Test func passiveOpenMPIsSetOnlyWhereUnset() {
        let flags: Set<String> = ["avx2", "fma"]
        #expect(BLASRuntime.recommendedEnvironment(cpuFlags: flags, environment: [:]) == ["OMP_WAIT_POLICY": "PASSIVE"])
        #expect(BLASRuntime.recommendedEnvironment(cpuFlags: flags, environment: ["OMP_WAIT_POLICY": "active"]).isEmpty)
        let avx512: Set<String> = ["avx512f", "avx512bw", "avx512dq", "avx512vl"]
        #expect(BLASRuntime.recommendedEnvironment(cpuFlags: avx512, environment: ["OMP_WAIT_POLICY": "active"]) == ["OPENBLAS_CORETYPE": "SkylakeX"])
    }
}

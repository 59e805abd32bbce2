import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Testing
import TestSupport

/// Remote jobs under network and server faults: 429 with Retry-After, 5xx, connection refused
/// (offline, then back), slow answers past the timeout, malformed JSON, expired result URLs and a
/// wrong key. Every run ends with a scan for the keys in the log and in what the daemon said.
@Suite(.serialized) struct ProviderFaultTests {
    static let key = "fal-fault-key:0a1b2c3d4e5f6a7b8c9d"
    static let model = "fal:fal-ai/fast-sdxl"

    /// Fails the test if any key shows up in the daemon's log or answers.
    static func expectNoKeys(_ f: RemoteFixture, _ keys: [String]) {
        f.daemon.stop()
        let texts = f.transcript + [f.logText]
        #expect(!f.logText.isEmpty)
        for key in keys { #expect(!texts.contains { $0.contains(key) }, "a key leaked") }
    }

    @Test func rateLimitedSubmitWaitsForRetryAfterThenSucceeds() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.inject("submit", [.status(429, retryAfter: "1")])
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL)], environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(fal.count("submit") == 2)
        // Retry-After: 1 was honoured (the configured backoff alone would be ≤ 0.3 s).
        let started = Date()
        fal.inject("submit", [.status(429, retryAfter: "1")])
        let again = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        #expect(try f.wait(again.jobId).status == "succeeded")
        #expect(Date().timeIntervalSince(started) >= 0.95)
        #expect(f.logEventually(contains: "provider asked us to back off"))
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func serverErrorsAreRetriedWithBackoffThenSucceedOrFailClearly() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.inject("status", [.status(500), .status(503)])
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["maxRetries": 3])], environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        #expect(try f.wait(queued.jobId).status == "succeeded")
        #expect(fal.count("status") >= 5, "two failures, then the three statuses")
        // More failures than retries: a clear error, the job fails.
        fal.inject("submit", [.status(500), .status(500), .status(500), .status(500)])
        let failing = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let failed = try f.wait(failing.jobId)
        #expect(failed.status == "failed")
        #expect(failed.error == "fal answered HTTP 500: server error after 4 tries; try again later")
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func unreachableProviderWaitsForNetworkAndResumesWhenItIsBack() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings("http://127.0.0.1:\(port)", ["offlineTimeoutSeconds": 60])],
                                  environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let detail = try f.waitForDetail(queued.jobId) { $0.hasPrefix("waiting for network") }
        #expect(detail.contains("connection refused"))
        let status = try f.call(c, DaemonStatus.self, NoParams())
        #expect(status.providers?["fal"]?.state == "unreachable")
        #expect(status.providers?["fal"]?.detail == "connection refused")
        #expect(status.providers?["fal"]?.checkedAt != nil)
        // Catalog features keep working meanwhile.
        #expect(try f.call(c, JobList.self, .init()).jobs.first?.status == "running")
        // The network comes back: the job resumes and finishes.
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png, port: port)
        defer { fal.stop() }
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(try f.call(c, DaemonStatus.self, NoParams()).providers?["fal"]?.state == "ok")

        // And with a short offline limit the job fails, saying how to retry.
        fal.stop()
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func offlineTooLongFailsWithRetryAdvice() throws {
        let port = try LoopbackHTTPServer.unusedPort()
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings("http://127.0.0.1:\(port)", ["offlineTimeoutSeconds": 1])],
                                  environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let done = try f.wait(queued.jobId)
        #expect(done.status == "failed")
        #expect(done.error?.hasPrefix("fal could not be reached for") == true)
        #expect(done.error?.contains("artfactory jobs retry \(queued.jobId)") == true)
    }

    @Test func slowAnswersPastTheTimeoutAreRetried() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.inject("status", [.delay(6)])
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["timeoutSeconds": 0.5])], environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        let polls = fal.requests.filter { $0.components.last == "status" }
        #expect(polls.count >= 2)
        if polls.count >= 2 {
            #expect(polls[1].receivedAt.timeIntervalSince(polls[0].receivedAt) < 5.5, "the slow answer was abandoned at the timeout, not waited for")
        }
        #expect(f.logEventually(contains: "provider request timed out"))
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func malformedJSONIsRetriedThenFailsWithAClearError() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.inject("status", [.malformed])
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["maxRetries": 1])], environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let first = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        #expect(try f.wait(first.jobId).status == "succeeded")
        fal.inject("result", [.malformed, .malformed])
        let second = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let failed = try f.wait(second.jobId)
        #expect(failed.status == "failed")
        #expect(failed.error?.hasPrefix("fal sent an answer we cannot read") == true)
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func expiredResultURLIsRefetchedAndAnUnfetchableOneFailsClearly() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        fal.expireDownloadsUntilResultFetch = 2
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL, ["downloadRetries": 3])], environment: ["FAL_KEY": Self.key])
        defer { f.cleanUp() }
        let c = try f.daemon.client()
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let done = try f.wait(queued.jobId)
        #expect(done.status == "succeeded", "\(done.error ?? "")")
        #expect(done.images.count == 1)
        #expect(fal.count("result") == 2, "the result was fetched again for a fresh URL")
        #expect(f.logEventually(contains: "result URL expired; fetched a fresh one"))

        fal.downloadStatus = 403
        let lost = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let failed = try f.wait(lost.jobId)
        #expect(failed.status == "failed")
        #expect(failed.error?.hasPrefix("Image 1 could not be downloaded from fal after 3 tries (last: HTTP 403)") == true)
        let g = try CatalogDatabase(path: f.home + "/catalog.sqlite").generation(lost.generationId)
        #expect(g.status == .failed && g.remoteId != nil, "the remote id stays recorded: nothing is silently lost")
        Self.expectNoKeys(f, [Self.key])
    }

    @Test func wrongKeyFailsWithAuthenticationErrorAndKeysNeverLeak() throws {
        let fal = try FakeFal(validKey: Self.key, image: RemoteFixture.png)
        defer { fal.stop() }
        let wrong = "fal-WRONG-key:ffffeeeeddddcccc1234"
        let f = try RemoteFixture(providers: ["fal": RemoteFixture.settings(fal.baseURL)])
        defer { f.cleanUp() }
        let set = try runCLI(["provider", "set-key", "fal"], home: f.home, stdin: wrong)
        f.note(set.stdout + set.stderr)
        #expect(set.status == 0)
        let expected = "authentication failed for fal (HTTP 401); set a valid key with `artfactory provider set-key fal`"
        let test = try runCLI(["provider", "test", "fal"], home: f.home)
        f.note(test.stdout + test.stderr)
        #expect(test.status == 1)
        #expect(test.stderr.contains(expected))
        let c = try f.daemon.client()
        let rpc = f.failure(c, ProviderTest.self, .init(name: "fal"))
        #expect(rpc?.message == expected && rpc?.data?["kind"] == "authFailed")
        #expect(try f.call(c, DaemonStatus.self, NoParams()).providers?["fal"]?.state == "authFailed")
        let queued = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        let failed = try f.wait(queued.jobId)
        #expect(failed.status == "failed" && failed.error == expected)
        // A bad key shape is refused without echoing it.
        let spaced = "bad key with spaces 123456"
        let refused = f.failure(c, ProviderSetKey.self, .init(name: "fal", key: spaced))
        #expect(refused?.code == RPCErrorCode.invalidParams)
        #expect(f.failure(c, ProviderSetKey.self, .init(name: "dalle", key: wrong))?.code == RPCErrorCode.invalidParams)

        // The right key fixes it.
        let fixed = try runCLI(["provider", "set-key", "fal"], home: f.home, stdin: Self.key + "\n")
        f.note(fixed.stdout + fixed.stderr)
        let ok = try runCLI(["provider", "test", "fal"], home: f.home)
        f.note(ok.stdout + ok.stderr)
        #expect(ok.status == 0 && ok.stdout.contains("key accepted"))
        let list = try runCLI(["provider", "list", "--json"], home: f.home)
        f.note(list.stdout + list.stderr)
        #expect(list.stdout.contains("\"keyLast4\""))
        let good = try f.call(c, Generate.self, RemoteFixture.params(Self.model, count: 1))
        #expect(try f.wait(good.jobId).status == "succeeded")
        _ = try f.call(c, JobList.self, .init())
        _ = try f.call(c, ModelsList.self, NoParams())
        let cleared = try f.call(c, ProviderClearKey.self, .init(name: "fal"))
        #expect(!cleared.keySet)
        var st = stat()
        #expect(stat(f.home + "/credentials.json", &st) == 0 && st.st_mode & 0o777 == 0o600)
        Self.expectNoKeys(f, [Self.key, wrong, spaced])
    }
}

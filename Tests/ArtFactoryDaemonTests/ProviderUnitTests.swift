@testable import ArtFactoryDaemon
import ArtFactoryProtocol
import Foundation
import Testing

/// The pieces of the provider layer that need no server.
@Suite struct ProviderUnitTests {
    @Test func tokenBucketAllowsTheBurstThenPacesToTheRate() {
        let bucket = TokenBucket(rate: 2, burst: 3)
        #expect(bucket.reserve() == 0 && bucket.reserve() == 0 && bucket.reserve() == 0)
        let wait = bucket.reserve()
        #expect(wait > 0.2 && wait <= 0.5 + 1e-6, "one token every 0.5 s once the burst is spent")
        let start = Date()
        bucket.take()
        #expect(Date().timeIntervalSince(start) >= 0.2)
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        #expect(ProviderClient.retryAfterSeconds("3") == 3)
        #expect(ProviderClient.retryAfterSeconds(" 0 ") == 0)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let later = formatter.string(from: Date().addingTimeInterval(30))
        let seconds = ProviderClient.retryAfterSeconds(later) ?? -1
        #expect(seconds > 25 && seconds <= 31)
        #expect(ProviderClient.retryAfterSeconds("soon") == nil)
    }

    @Test func providerSettingsAreValidated() {
        var s = ProviderSettings()
        s.baseURL = "ftp://example.com"
        #expect(ProviderProfile.problem(name: "fal", settings: s)?.contains("baseURL") == true)
        #expect(ProviderProfile.problem(name: "dalle", settings: ProviderSettings())?.contains("unknown provider") == true)
        s.baseURL = "http://127.0.0.1:1"
        s.models = [RemoteModelSettings(id: "x/y", capabilities: ["upscale"])]
        #expect(ProviderProfile.problem(name: "fal", settings: s)?.contains("upscale") == true)
        s.models = [RemoteModelSettings(id: "me/my-model", capabilities: ["txt2img"], costPerImage: 0.5)]
        #expect(ProviderProfile.problem(name: "fal", settings: s) == nil)
        let profile = ProviderProfile(name: "fal", settings: s)
        #expect(profile.models.contains { $0.id == "me/my-model" } && profile.models.contains { $0.id == "fal-ai/fast-sdxl" })
    }

    @Test func keysShapeIsCheckedWithoutEchoingIt() {
        let secret = "abc def\u{7}"
        do {
            try ProviderKeys.validate(secret)
            Issue.record("a key with spaces must be refused")
        } catch let e as ArtFactoryProtocol.RPCError {
            #expect(!e.message.contains(secret))
        } catch { Issue.record("unexpected \(error)") }
    }
}

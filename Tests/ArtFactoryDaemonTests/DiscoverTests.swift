import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct DiscoverTests {
    /// Every method the daemon dispatches, as the daemon's own test of the table: a method missing
    /// here or in the daemon fails this test.
    static let expected: Set<String> = ["provider.list", "provider.setKey", "provider.clearKey", "provider.test", "provider.estimate",
                                        "daemon.status", "daemon.shutdown", "events.subscribe", "events.unsubscribe", "rpc.discover",
                                          "generate", "job.get", "job.list", "job.cancel", "job.retry",
                                          "queue.pause", "queue.resume", "queue.reorder", "models.list", "loras.list", "preset.list",
                                          "session.create", "session.list", "session.get", "prompt.preview", "models.load", "models.unload", "batch.submit",
        // gallery-rpc
        "gallery.list", "gallery.search", "gallery.get", "gallery.compare", "gallery.favorite", "gallery.pin", "gallery.rate", "gallery.delete",
        "gallery.import", "gallery.export", "gallery.fsck", "gallery.retention", "project.create", "project.list", "project.rename", "project.delete", "project.setBrandLora", "project.clearBrandLora",
        "tag.add", "tag.remove", "tag.list", "tag.rename",
        "collection.create", "collection.list", "collection.add", "collection.remove", "collection.delete",
        "template.save", "template.list", "template.delete", "profile.save", "profile.list", "profile.delete",
        // folder watch (issue 8)
        "watch.add", "watch.list", "watch.remove",
        // learned upscalers (issue 17)
        "upscalers.list", "gallery.upscale",
        // learning from approvals (issue 18)
        "gallery.review", "gallery.reviews", "analytics.top", "analytics.lift", "analytics.trends", "analytics.useAsTemplate",
        "analytics.rebuild", "explore.create", "explore.get", "explore.list", "explore.delete", "explore.draw", "explore.report",
        "explore.run", "reference.analyze", "gallery.handoff", "handoff.setTarget", "handoff.report", "handoff.list",
        "gallery.similar"]

    @Test func discoverListsExactlyTheDispatchedMethods() throws {
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        let doc = try c.call("rpc.discover")
        #expect(doc["openrpc"] == "1.2.6")
        let methods = try #require(doc["methods"]?.arrayValue)
        let names = Set(methods.compactMap { $0["name"]?.stringValue })
        #expect(names == Self.expected)
        // Each listed method is dispatched (never "method not found"), whatever its params.
        for name in names where name != "daemon.shutdown" {
            do { _ = try c.call(name, params: .object(JSONObject())) } catch let e as RPCError {
                #expect(e.code != RPCErrorCode.methodNotFound, "\(name) is documented but not dispatched")
            }
        }
        // And each documented method carries params, result and errors.
        for m in methods {
            #expect(m["params"]?.arrayValue != nil)
            #expect(m["result"]?["schema"] != nil)
            #expect(m["errors"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func conformanceModeDocumentsItsExtraMethodsToo() throws {
        let daemon = try DaemonProcess.start(executable: "artfactoryd-conformance")
        let doc = try daemon.client().call("rpc.discover")
        let names = Set(doc["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
        #expect(names.isSuperset(of: Self.expected))
        #expect(names.contains("subtract") && names.contains("get_data"))
    }

    @Test func subscribeUnsubscribeAndBadTopics() throws {
        let daemon = try DaemonProcess.start()
        let c = try daemon.client()
        #expect(try c.call(EventsSubscribe.self, .init(topics: ["job", "daemon"])).topics == ["daemon", "job"])
        #expect(try c.call(EventsSubscribe.self, .init(topics: ["*"])).topics == EventTopic.all.sorted())
        #expect(try c.call(EventsUnsubscribe.self, .init(topics: ["job"])).topics == ["daemon", "gallery"])
        #expect(try c.call(EventsUnsubscribe.self, .init(topics: nil)).topics == [])
        #expect(throws: RPCError.self) { _ = try c.call(EventsSubscribe.self, .init(topics: ["weather"])) }
        #expect(try c.call(DaemonStatus.self, NoParams()).counts["subscribers"] == 0)
    }
}

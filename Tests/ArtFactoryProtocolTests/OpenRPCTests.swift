import ArtFactoryProtocol
import Testing

/// Drift checks between each method's Swift types and its documented schema: the example values
/// must decode strictly and use only documented members, with every required one present.
@Suite struct OpenRPCTests {
    static let methods: [OpenRPCDocument.Entry] = [
        .init(DaemonStatus.self), .init(DaemonShutdown.self), .init(EventsSubscribe.self),
        .init(EventsUnsubscribe.self), .init(RPCDiscover.self),
        .init(Generate.self), .init(JobGet.self), .init(JobList.self), .init(JobCancel.self), .init(JobRetry.self),
        .init(QueuePause.self), .init(QueueResume.self), .init(QueueReorder.self), .init(ModelsList.self), .init(PresetList.self),
        .init(SessionCreate.self), .init(SessionList.self), .init(SessionGet.self), .init(PromptPreview.self), .init(ModelsLoad.self), .init(ModelsUnload.self), .init(BatchSubmit.self),
        // gallery-rpc
        .init(GalleryList.self), .init(GallerySearch.self), .init(GallerySimilar.self), .init(GalleryGet.self), .init(GalleryCompare.self),
        .init(GalleryFavorite.self), .init(GalleryPin.self), .init(GalleryRate.self), .init(GalleryDelete.self), .init(GalleryImport.self),
        .init(GalleryFsck.self), .init(GalleryExport.self), .init(GalleryRetention.self),
        .init(ProjectCreate.self), .init(ProjectList.self), .init(ProjectRename.self), .init(ProjectDelete.self), .init(TagAdd.self), .init(TagRemove.self), .init(TagList.self), .init(TagRename.self),
        .init(CollectionCreate.self), .init(CollectionList.self), .init(CollectionAdd.self), .init(CollectionRemove.self),
        .init(CollectionDelete.self), .init(TemplateSave.self), .init(TemplateList.self), .init(TemplateDelete.self),
        .init(ProfileSave.self), .init(ProfileList.self), .init(ProfileDelete.self),
        // folder watch (issue 8)
        .init(WatchAdd.self), .init(WatchList.self), .init(WatchRemove.self),
        // learned upscalers (issue 17)
        .init(UpscalersList.self), .init(GalleryUpscale.self),
        // remote providers
        .init(ProviderList.self), .init(ProviderSetKey.self), .init(ProviderClearKey.self), .init(ProviderTest.self), .init(ProviderEstimate.self),
    ]

    @Test(arguments: methods.map(\.name))
    func examplesMatchTheDocumentedSchema(_ name: String) throws {
        let e = try #require(Self.methods.first { $0.name == name })
        let documented = Set(e.params.map(\.name))
        let sent = Set(e.exampleParams.objectValue?.keys ?? [])
        #expect(sent.isSubset(of: documented), "\(name): params not in the schema: \(sent.subtracting(documented))")
        #expect(Set(e.params.filter(\.required).map(\.name)).isSubset(of: sent))
        if case .object = e.result {
            let keys = Set(e.exampleResult.objectValue?.keys ?? [])
            let props = Set(e.result.propertyNames)
            #expect(keys.isSubset(of: props), "\(name): result members not in the schema: \(keys.subtracting(props))")
        }
    }

    @Test func documentHasEveryMethodAndTheErrorCodes() {
        let doc = OpenRPCDocument.build(version: "1", entries: Self.methods)
        let names = doc["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == Self.methods.map(\.name).sorted())
        #expect(doc["x-error-codes"]?.arrayValue?.count == RPCErrorCode.documented.count)
    }
}

import ArtFactoryProtocol

extension Daemon {
    /// The one list of the daemon's RPC method groups, each given only the services it uses
    /// (see ``HandlerGroup``). Order does not matter; a new group is one line here.
    func handlerGroups(_ s: DaemonServices) -> [any HandlerGroup] {
        let generation = s.generation
        return [
            CoreHandlers(events: s.events, status: { [unowned self] in status() },
                         shutdown: { [unowned self] reason in loop.after(ms: 0) { [self] in beginShutdown(reason: reason) } }),
            GalleryHandlers(catalog: s.catalog, gallery: s.gallery, files: s.galleryJobs),
            ProjectHandlers(catalog: s.catalog),
            TagHandlers(catalog: s.catalog),
            CollectionHandlers(catalog: s.catalog),
            TemplateHandlers(catalog: s.catalog),
            ProfileHandlers(catalog: s.catalog),
            SessionHandlers(catalog: s.catalog),
            JobHandlers(generation: generation, jobs: s.jobs),
            QueueHandlers(service: generation),
            BatchHandlers(service: generation),
            ModelHandlers(models: generation.models, providers: s.providers),
            PresetHandlers(models: generation.models, calibration: generation.calibration, upscalers: generation.upscalers),
            UpscalerHandlers(upscalers: generation.upscalers, jobs: s.upscaleJobs),
            PromptHandlers(wildcardsDir: generation.wildcardsDir, loras: generation.models.loras),
            LoRAHandlers(catalog: s.catalog, loras: generation.models.loras),
            ProviderHandlers(hub: s.providers, logger: logger),
            WatchHandlers(service: s.watch),
            FeedbackHandlers(catalog: s.catalog),
            AnalyticsHandlers(catalog: s.catalog),
            ExploreHandlers(catalog: s.catalog, service: generation),
            ReferenceHandlers(catalog: s.catalog, gallery: s.gallery),
            HandoffHandlers(catalog: s.catalog, handoff: s.handoff),
        ]
    }
}

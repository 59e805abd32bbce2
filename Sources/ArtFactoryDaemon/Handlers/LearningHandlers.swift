extension Daemon {
    /// Everything of "learning from approvals" (docs/analytics.md): reviews, analytics, reference images (exploration registers with the generation service).
    func registerLearningMethods() {
        registerFeedbackMethods()
        registerAnalyticsMethods()
        registerReferenceMethods()
    }
}

extension Daemon {
    /// Everything of "learning from approvals" (docs/analytics.md): reviews, analytics.
    func registerLearningMethods() {
        registerFeedbackMethods()
        registerAnalyticsMethods()
    }
}

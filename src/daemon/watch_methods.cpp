#include "daemon/watch_methods.h"

namespace xs::daemon {

namespace {

class SinkAdapter final : public signet::WatchSink {
 public:
  explicit SinkAdapter(transport::NotificationSink& sink) : sink_(sink) {}
  bool Notify(const nlohmann::json& params) override { return sink_.Notify(params); }
  bool Cancelled() override { return sink_.Cancelled(); }

 private:
  transport::NotificationSink& sink_;
};

}  // namespace

void RegisterWatchMethods(transport::AdminServer& server, signet::ChatWatch& watch) {
  signet::ChatWatch* w = &watch;
  server.AddStreamMethod("chat.watch",
                         [w](const nlohmann::json& params, const signet::CallContext& ctx,
                             transport::NotificationSink& sink) {
                           SinkAdapter adapter(sink);
                           return w->WatchChats(params, ctx, adapter);
                         });
  server.AddStreamMethod("message.watch",
                         [w](const nlohmann::json& params, const signet::CallContext& ctx,
                             transport::NotificationSink& sink) {
                           SinkAdapter adapter(sink);
                           return w->WatchMessages(params, ctx, adapter);
                         });
  server.AddStreamMethod("chat.sync.progress",
                         [w](const nlohmann::json& params, const signet::CallContext& ctx,
                             transport::NotificationSink& sink) {
                           SinkAdapter adapter(sink);
                           return w->SyncWithProgress(params, ctx, adapter);
                         });
}

}  // namespace xs::daemon

// xs-daemon-tool: a small driver of the daemon library for tests, benchmarks
// and manual checks before (and besides) the `xs` CLI. Configuration comes
// from config.toml / XDG_* / XMTP_SIGNET_* exactly as for `xs`.
//
//   xs-daemon-tool init [--preset P]        Runtime::Init + write config.toml if absent
//   xs-daemon-tool run [--fake-network]     RunDaemon in the foreground
//   xs-daemon-tool start [--fake-network]   StartDaemonInBackground; prints {"pid":N}
//   xs-daemon-tool stop [--timeout MS]
//   xs-daemon-tool status
//   xs-daemon-tool call METHOD [JSON]       one admin call; prints the result
// Common: --config PATH, --passphrase-file PATH. Exit code = error category's
// (validation 1, not_found 2, ..., auth 9).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/daemon.h"
#include "signet/config/config.h"
#include "signet/core/runtime.h"
#include "signet/testing/fake_network.h"
#include "transport/admin/admin_client.h"

namespace {

using xs::Error;
using xs::Status;

int Fail(const Error& error) {
  std::cerr << "error: " << error.message() << "\n";
  return xs::ExitCode(error.category());
}

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> config_path;
  std::optional<std::string> passphrase_file;
  std::optional<std::string> preset;
  bool fake_network = false;
  long timeout_ms = 10000;
};

bool Parse(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (a == "--config") {
      args->config_path = next();
    } else if (a == "--passphrase-file") {
      args->passphrase_file = next();
    } else if (a == "--preset") {
      args->preset = next();
    } else if (a == "--fake-network") {
      args->fake_network = true;
    } else if (a == "--timeout") {
      auto v = next();
      if (!v) return false;
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), args->timeout_ms);
      if (ec != std::errc() || ptr != v->data() + v->size()) return false;
    } else if (args->command.empty()) {
      args->command = a;
    } else {
      args->positional.push_back(a);
    }
  }
  return !args->command.empty();
}

std::optional<std::string> ReadPassphrase(const Args& args) {
  if (!args.passphrase_file) return std::nullopt;
  std::ifstream in(*args.passphrase_file);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!Parse(argc, argv, &args)) {
    std::cerr << "usage: xs-daemon-tool init|run|start|stop|status|call [...]\n";
    return 1;
  }
  xs::signet::LoadOptions load;
  load.config_path = args.config_path;
  auto config = xs::signet::LoadConfig(load);
  if (!config.ok()) return Fail(config.error());

  if (args.command == "init") {
    if (args.preset) {
      if (Status s = config->ApplyPreset(*args.preset); !s.ok()) return Fail(s.error());
    }
    auto options = config->ToRuntimeOptions();
    options.passphrase = ReadPassphrase(args);
    auto runtime = xs::signet::Runtime::Init(options);
    if (!runtime.ok()) return Fail(runtime.error());
    if (Status s = xs::signet::WriteConfigIfAbsent(config->config_path, *config); !s.ok()) {
      return Fail(s.error());
    }
    std::cout << nlohmann::json{{"initialized", true},
                                {"dataDir", config->DataDir()},
                                {"configPath", config->config_path}}
                     .dump()
              << "\n";
    return 0;
  }
  if (args.command == "run" || args.command == "start") {
    xs::daemon::DaemonOptions options;
    options.config = *config;
    options.passphrase = ReadPassphrase(args);
    if (args.fake_network) options.network = std::make_shared<xs::signet::FakeXmtpNetwork>();
    if (args.command == "run") {
      Status s = xs::daemon::RunDaemon(options);
      return s.ok() ? 0 : Fail(s.error());
    }
    auto pid = xs::daemon::StartDaemonInBackground(options);
    if (!pid.ok()) return Fail(pid.error());
    std::cout << nlohmann::json{{"status", "running"}, {"pid", *pid}}.dump() << "\n";
    return 0;
  }
  if (args.command == "stop") {
    Status s = xs::daemon::StopDaemon(*config, std::chrono::milliseconds(args.timeout_ms));
    if (!s.ok()) return Fail(s.error());
    std::cout << "{\"stopped\":true}\n";
    return 0;
  }
  if (args.command == "status") {
    auto status = xs::daemon::DaemonStatus(*config);
    if (!status.ok()) return Fail(status.error());
    std::cout << status->dump() << "\n";
    return 0;
  }
  if (args.command == "call" && !args.positional.empty()) {
    nlohmann::json params = nlohmann::json::object();
    if (args.positional.size() > 1) {
      params = nlohmann::json::parse(args.positional[1], nullptr, false);
      if (params.is_discarded()) return Fail(Error::Validation("params", "invalid JSON"));
    }
    auto client = xs::transport::AdminClient::Connect(config->SocketPath(), config->DataDir());
    if (!client.ok()) return Fail(client.error());
    auto result = client->Call(args.positional[0], params);
    if (!result.ok()) return Fail(result.error());
    std::cout << result->dump() << "\n";
    return 0;
  }
  std::cerr << "unknown command: " << args.command << "\n";
  return 1;
}

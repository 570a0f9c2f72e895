// Test-only helpers of the adapter tests (header-only, never linked by the
// product): a temporary directory removed at the end of the test, and a
// fake daemon answering the admin calls setup and inspection make
// (daemon.status, operator.list/create, policy.list/create) from memory.
//
// Thread contract: one test thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "adapters/openclaw/admin_link.h"

namespace xs::adapters::openclaw::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/xs-openclaw-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str() const { return path_.string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class FakeDaemon {
 public:
  nlohmann::json status = {
      {"state", "running"}, {"wsPort", 8393}, {"ws", {{"host", "127.0.0.1"}, {"port", 8393}}}};
  nlohmann::json operators = nlohmann::json::array();
  nlohmann::json policies = nlohmann::json::array();
  std::vector<std::string> methods;           // every call, in order
  std::vector<nlohmann::json> create_params;  // params of each *.create

  AdminCall Calls() {
    return [this](std::string_view method, const nlohmann::json& params) {
      return Handle(std::string(method), params);
    };
  }

  // A record as operator.list / policy.list show it.
  static nlohmann::json Record(const std::string& id, const std::string& label) {
    return {{"id", id}, {"config", {{"label", label}}}};
  }

 private:
  int next_id_ = 1000;

  Result<nlohmann::json> Handle(const std::string& method, const nlohmann::json& params) {
    methods.push_back(method);
    if (method == "daemon.status") return status;
    if (method == "operator.list") return operators;
    if (method == "policy.list") return policies;
    if (method == "operator.create" || method == "policy.create") {
      create_params.push_back(params);
      const bool op = method == "operator.create";
      nlohmann::json& set = op ? operators : policies;
      const std::string id = (op ? "op_" : "pol_") + std::to_string(next_id_++);
      nlohmann::json rec = Record(id, params.value("label", ""));
      set.push_back(rec);
      return rec;
    }
    return Error::NotFound("unknown method " + method);
  }
};

}  // namespace xs::adapters::openclaw::testing

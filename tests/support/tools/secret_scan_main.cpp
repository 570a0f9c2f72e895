// xs-secret-scan: the CLI tests' leak check (secret_scan.h with
// data_dir_secrets.h) for tests that are not C++, e.g. the interop tests
// that drive `xs` from Node. It collects every secret the data dir holds
// (through the product's vault and store, as the CLI tests do) plus the
// given secret files, and searches the recorded outputs and the named dirs.
//
//   xs-secret-scan --data-dir D [--vault-passphrase-file F] [--secret-file F]...
//                  [--outputs DIR] [--files-under DIR]... [--require NAME]...
//
// --outputs: every regular file in DIR is one command's output (stdout and
// stderr); --files-under: every file under DIR is scanned (the data dir's
// files always are, but vault.key and admin.key); --require: a file of this
// name must be among the scanned ones (signet.log, audit.jsonl). Prints one
// line per leak. Exit 0 clean, 1 leaks, 2 bad usage or an unreadable data
// dir. Run it when no daemon holds the data dir. Test-only.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/data_dir_secrets.h"
#include "support/secret_scan.h"

namespace {

namespace fs = std::filesystem;

constexpr int kLeaks = 1;
constexpr int kUsage = 2;

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A secret file's content without its trailing newline (how `xs` reads a
// passphrase file).
std::string SecretOf(const fs::path& path) {
  std::string text = ReadAll(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

struct Args {
  std::string data_dir;
  std::optional<std::string> vault_passphrase;
  std::vector<fs::path> secret_files;
  std::vector<fs::path> outputs;
  std::vector<fs::path> files_under;
  std::vector<std::string> required;
};

int Usage(const std::string& why) {
  std::cerr << "xs-secret-scan: " << why
            << "\nusage: xs-secret-scan --data-dir D [--vault-passphrase-file F] "
               "[--secret-file F]... [--outputs DIR] [--files-under DIR]... [--require NAME]...\n";
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return Usage(flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--data-dir") {
      a.data_dir = value;
    } else if (flag == "--vault-passphrase-file") {
      a.vault_passphrase = SecretOf(value);
    } else if (flag == "--secret-file") {
      a.secret_files.emplace_back(value);
    } else if (flag == "--outputs") {
      a.outputs.emplace_back(value);
    } else if (flag == "--files-under") {
      a.files_under.emplace_back(value);
    } else if (flag == "--require") {
      a.required.push_back(value);
    } else {
      return Usage("unknown flag " + flag);
    }
  }
  if (a.data_dir.empty()) return Usage("--data-dir is required");

  xs::testing::SecretScan scan;
  bool initialized = false;
  if (xs::Status s = xs::testing::AddDataDir(a.data_dir, a.vault_passphrase, scan, &initialized);
      !s.ok()) {
    std::cerr << "xs-secret-scan: " << a.data_dir << ": " << s.error().ToString() << "\n";
    return kUsage;
  }
  if (!initialized) {
    std::cerr << "xs-secret-scan: " << a.data_dir << " holds no vault\n";
    return kUsage;
  }
  for (const auto& f : a.secret_files) {
    const std::string secret = SecretOf(f);
    if (secret.size() < xs::testing::SecretScan::kMinFormBytes) {
      std::cerr << "xs-secret-scan: " << f << " holds fewer than "
                << xs::testing::SecretScan::kMinFormBytes << " bytes\n";
      return kUsage;
    }
    scan.AddSecret("secret of " + f.filename().string(), secret);
  }
  std::size_t outputs = 0;
  for (const auto& dir : a.outputs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec)) files.push_back(entry.path());
    }
    if (ec) {
      std::cerr << "xs-secret-scan: cannot read " << dir << ": " << ec.message() << "\n";
      return kUsage;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) scan.AddOutput(f.filename().string(), ReadAll(f));
    outputs += files.size();
  }
  for (const auto& dir : a.files_under) scan.AddFilesUnder(dir);
  int code = 0;
  for (const auto& name : a.required) {
    if (!scan.HasFileNamed(name)) {
      std::cout << "no file named " << name << " was scanned\n";
      code = kLeaks;
    }
  }
  for (const auto& name : scan.SecretNames()) std::cerr << "secret: " << name << "\n";
  const auto findings = scan.Findings();
  for (const auto& finding : findings) std::cout << "secret leak: " << finding << "\n";
  if (!findings.empty()) code = kLeaks;
  std::cerr << "xs-secret-scan: " << outputs << " outputs, " << findings.size() << " leaks\n";
  return code;
}

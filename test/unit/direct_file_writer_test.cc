#include "pipeline/direct_file_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pipeline/output_file.h"
#include "unit/temp_dir.h"

namespace idguard {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

// Lines of varying length, so that lines straddle the buffers' and the blocks' edges.
std::string Lines(std::size_t total_bytes) {
  std::string text;
  for (std::size_t n = 0; text.size() < total_bytes; ++n) {
    text += "{\"line\":" + std::to_string(n) + ",\"pad\":\"" + std::string(n % 97, 'x') + "\"}\n";
  }
  return text;
}

// Compares without printing a diff of megabytes when they differ.
void ExpectSameContent(const std::string& written, const std::string& expected) {
  EXPECT_EQ(written.size(), expected.size());
  EXPECT_TRUE(written == expected) << "the file's content differs from what was written";
}

// Writes `text` line by line through `out` and closes it.
void WriteLines(OutputFile& out, const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.WriteLine(std::string_view(text).substr(start, end - start));
    start = end + 1;
  }
  ASSERT_TRUE(out.Close().ok());
}

class DirectFileWriterTest : public ::testing::Test {
 protected:
  // Skips the test where the temporary directory's file system refuses O_DIRECT (tmpfs).
  std::unique_ptr<DirectFileWriter> OpenDirect(const std::string& name) {
    auto opened = DirectFileWriter::Open((dir_.path() / name).string());
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    return opened.ok() ? std::move(opened.value()) : nullptr;
  }
  test::TempDir dir_{"idguard-direct"};
};

TEST_F(DirectFileWriterTest, WritesExactlyWhatWasAppendedAcrossBuffersAndATail) {
  auto writer = OpenDirect("out.ndjson");
  if (writer == nullptr) GTEST_SKIP() << "the temporary directory's file system has no O_DIRECT";
  // Two and a half buffers, ending in a partial block.
  const std::string text = Lines(DirectFileWriter::kBufferBytes * 5 / 2 + 123);
  writer->Append(std::string_view(text).substr(0, 10));
  writer->Append(std::string_view(text).substr(10));
  ASSERT_TRUE(writer->Close().ok());
  ExpectSameContent(ReadFile(dir_.path() / "out.ndjson"), text);
}

TEST_F(DirectFileWriterTest, WholeBuffersAndEmptyFilesNeedNoTail) {
  auto exact = OpenDirect("exact");
  if (exact == nullptr) GTEST_SKIP() << "the temporary directory's file system has no O_DIRECT";
  const std::string text(DirectFileWriter::kBufferBytes, 'a');
  exact->Append(text);
  ASSERT_TRUE(exact->Close().ok());
  ExpectSameContent(ReadFile(dir_.path() / "exact"), text);

  auto empty = OpenDirect("empty");
  ASSERT_TRUE(empty->Close().ok());
  EXPECT_EQ(std::filesystem::file_size(dir_.path() / "empty"), 0u);
}

TEST_F(DirectFileWriterTest, ALargeOutputFileHoldsEveryLineWhereverItIsWritten) {
  const std::string text = Lines(DirectFileWriter::kBufferBytes + 5000);
  auto out = OutputFile::OpenLarge((dir_.path() / "signIns.ndjson").string());
  ASSERT_TRUE(out.ok()) << out.status().message();
  WriteLines(*out, text);
  ExpectSameContent(ReadFile(dir_.path() / "signIns.ndjson"), text);
}

TEST_F(DirectFileWriterTest, AFileThatCannotBeCreatedIsAnErrorNamingIt) {
  const std::string path = (dir_.path() / "missing" / "out.ndjson").string();
  auto opened = DirectFileWriter::Open(path);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find(path), std::string::npos);
  EXPECT_FALSE(OutputFile::OpenLarge(path).ok());
}

}  // namespace
}  // namespace idguard

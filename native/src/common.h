// Shared helpers of the gamma-music addon: a tensor handle (one libtorch tensor owned by one JS object),
// argument conversion, and the trampoline that turns every libtorch error into a JavaScript Error.
#pragma once

#include <ATen/ATen.h>
#include <napi.h>

#include <c10/util/Optional.h>
#include <string>
#include <vector>

namespace gnative {

// Tensors live in a per-thread table of slots; JavaScript holds a number naming a slot and its generation
// (id = generation * 2^24 + slot). No JS object wraps a tensor natively, so nothing waits for V8's
// finalizers: a synchronous training loop frees memory the moment it disposes a tensor. A stale id (its slot
// freed and reused since) is detected by the generation and refused.
struct TensorTable {
  std::vector<at::Tensor> slots;
  std::vector<uint32_t> generations;
  std::vector<int64_t> reportedBytes;  // CPU storage bytes reported to V8 for the slot
  std::vector<uint32_t> freeSlots;
  int64_t live = 0;
  int64_t liveBytes = 0;
};
TensorTable& table();
// Frees a slot; returns false when the id is stale or already freed.
bool ReleaseId(Napi::Env env, double id);

// A seedable random generator (CPU). Random ops on other devices draw on the CPU and copy, so a seed gives
// the same numbers on every device.
class GeneratorHandle : public Napi::ObjectWrap<GeneratorHandle> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit GeneratorHandle(const Napi::CallbackInfo& info);
  at::Generator generator;

 private:
  Napi::Value GetState(const Napi::CallbackInfo& info);
  void SetState(const Napi::CallbackInfo& info);
  Napi::Value InitialSeed(const Napi::CallbackInfo& info);
  void ManualSeed(const Napi::CallbackInfo& info);
};

struct AddonData {
  Napi::FunctionReference generatorCtor;
};

using OpFn = Napi::Value (*)(const Napi::CallbackInfo&);
void Register(Napi::Env env, Napi::Object exports, const char* name, OpFn fn);

// Argument conversion. Each throws a TypeError naming the argument position when the value is wrong.
at::Tensor& T(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Tensor> OT(const Napi::CallbackInfo& info, size_t i);
std::vector<at::Tensor> TL(const Napi::CallbackInfo& info, size_t i);
int64_t I(const Napi::CallbackInfo& info, size_t i);
c10::optional<int64_t> OI(const Napi::CallbackInfo& info, size_t i);
double D(const Napi::CallbackInfo& info, size_t i);
bool B(const Napi::CallbackInfo& info, size_t i);
bool OB(const Napi::CallbackInfo& info, size_t i, bool fallback);
std::string S(const Napi::CallbackInfo& info, size_t i);
std::vector<int64_t> IL(const Napi::CallbackInfo& info, size_t i);
at::Scalar Sc(const Napi::CallbackInfo& info, size_t i);
bool IsScalar(const Napi::CallbackInfo& info, size_t i);
at::ScalarType DT(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::ScalarType> ODT(const Napi::CallbackInfo& info, size_t i);
at::Device Dev(const Napi::CallbackInfo& info, size_t i);
c10::optional<at::Generator> OGen(const Napi::CallbackInfo& info, size_t i);

at::ScalarType ParseDtype(const std::string& name);
std::string DtypeName(at::ScalarType type);
at::Device ParseDevice(const std::string& name);

Napi::Value R(Napi::Env env, at::Tensor tensor);
Napi::Value RL(Napi::Env env, const std::vector<at::Tensor>& tensors);
Napi::Value R2(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair);

void RegisterTensor(Napi::Env env, Napi::Object exports);
void RegisterOps(Napi::Env env, Napi::Object exports);
void RegisterRuntime(Napi::Env env, Napi::Object exports);
void RegisterCodecs(Napi::Env env, Napi::Object exports);

}  // namespace gnative

// Tensor handles, argument conversion, creation and conversion to and from typed arrays, tensor
// properties and autograd entry points.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>

#include <cmath>
#include <cstring>

#include "common.h"

namespace gnative {

static AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

// ---------------------------------------------------------------------------------------------------------
// The tensor table

static constexpr double kSlotSpan = 16777216.0;  // 2^24 slots; generations above
static thread_local TensorTable* tableForThread = nullptr;

TensorTable& table() {
  if (!tableForThread) tableForThread = new TensorTable();  // one per JS thread (main, workers)
  return *tableForThread;
}

static bool Lookup(double id, uint32_t* slotOut) {
  if (!(id >= 0) || id > 9007199254740991.0) return false;
  auto v = static_cast<uint64_t>(id);
  if (static_cast<double>(v) != id) return false;
  auto slot = static_cast<uint32_t>(v & 0xFFFFFFu);
  auto gen = static_cast<uint32_t>(v >> 24);
  TensorTable& t = table();
  if (slot >= t.slots.size() || t.generations[slot] != gen || !t.slots[slot].defined()) return false;
  *slotOut = slot;
  return true;
}

bool ReleaseId(Napi::Env env, double id) {
  uint32_t slot;
  if (!Lookup(id, &slot)) return false;
  TensorTable& t = table();
  t.slots[slot].reset();
  t.generations[slot]++;
  if (t.reportedBytes[slot]) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -t.reportedBytes[slot]);
    t.liveBytes -= t.reportedBytes[slot];
    t.reportedBytes[slot] = 0;
  }
  t.freeSlots.push_back(slot);
  t.live--;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Registration: every exported function goes through one trampoline that converts libtorch and C++ errors
// into JavaScript errors, so a shape mismatch never aborts the process.

static Napi::Value Trampoline(const Napi::CallbackInfo& info) {
  auto fn = reinterpret_cast<OpFn>(info.Data());
  try {
    return fn(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

void Register(Napi::Env env, Napi::Object exports, const char* name, OpFn fn) {
  exports.Set(name, Napi::Function::New(env, Trampoline, name, reinterpret_cast<void*>(fn)));
}

// ---------------------------------------------------------------------------------------------------------
// Argument conversion

[[noreturn]] static void Bad(const Napi::CallbackInfo& info, size_t i, const char* what) {
  throw Napi::TypeError::New(info.Env(), std::string("argument ") + std::to_string(i) + " must be " + what);
}

static bool Absent(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

static at::Tensor& TensorAt(const Napi::CallbackInfo& info, size_t i, Napi::Value v) {
  if (!v.IsNumber()) Bad(info, i, "a tensor");
  uint32_t slot;
  if (!Lookup(v.As<Napi::Number>().DoubleValue(), &slot)) throw Napi::Error::New(info.Env(), "tensor used after dispose()");
  return table().slots[slot];
}

at::Tensor& T(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length()) Bad(info, i, "a tensor");
  return TensorAt(info, i, info[i]);
}

c10::optional<at::Tensor> OT(const Napi::CallbackInfo& info, size_t i) {
  if (Absent(info, i)) return c10::nullopt;
  return T(info, i);
}

std::vector<at::Tensor> TL(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) Bad(info, i, "an array of tensors");
  Napi::Array arr = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) out.push_back(TensorAt(info, i, arr[k]));
  return out;
}

int64_t I(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length()) Bad(info, i, "an integer");
  if (info[i].IsBigInt()) {
    bool lossless;
    return info[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  if (!info[i].IsNumber()) Bad(info, i, "an integer");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (std::floor(v) != v) Bad(info, i, "an integer");
  return static_cast<int64_t>(v);
}

c10::optional<int64_t> OI(const Napi::CallbackInfo& info, size_t i) {
  if (Absent(info, i)) return c10::nullopt;
  return I(info, i);
}

double D(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) Bad(info, i, "a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

bool B(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsBoolean()) Bad(info, i, "a boolean");
  return info[i].As<Napi::Boolean>().Value();
}

bool OB(const Napi::CallbackInfo& info, size_t i, bool fallback) { return Absent(info, i) ? fallback : B(info, i); }

std::string S(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsString()) Bad(info, i, "a string");
  return info[i].As<Napi::String>().Utf8Value();
}

std::vector<int64_t> IL(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray()) Bad(info, i, "an array of integers");
  Napi::Array arr = info[i].As<Napi::Array>();
  std::vector<int64_t> out(arr.Length());
  for (uint32_t k = 0; k < arr.Length(); k++) {
    Napi::Value v = arr[k];
    if (!v.IsNumber()) Bad(info, i, "an array of integers");
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::floor(d) != d) Bad(info, i, "an array of integers");
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

bool IsScalar(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && (info[i].IsNumber() || info[i].IsBoolean());
}

// Integral numbers become integer scalars so that integer tensors stay integer (x + 1 on int64 is int64).
at::Scalar Sc(const Napi::CallbackInfo& info, size_t i) {
  if (i < info.Length() && info[i].IsBoolean()) return at::Scalar(info[i].As<Napi::Boolean>().Value());
  double v = D(info, i);
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9007199254740992.0) return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}

at::ScalarType ParseDtype(const std::string& n) {
  if (n == "float32") return at::kFloat;
  if (n == "float16") return at::kHalf;
  if (n == "bfloat16") return at::kBFloat16;
  if (n == "float64") return at::kDouble;
  if (n == "int64") return at::kLong;
  if (n == "int32") return at::kInt;
  if (n == "int16") return at::kShort;
  if (n == "int8") return at::kChar;
  if (n == "uint8") return at::kByte;
  if (n == "bool") return at::kBool;
  if (n == "complex64") return at::kComplexFloat;
  if (n == "complex128") return at::kComplexDouble;
  throw std::invalid_argument("unknown dtype '" + n + "'");
}

std::string DtypeName(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return "float32";
    case at::kHalf: return "float16";
    case at::kBFloat16: return "bfloat16";
    case at::kDouble: return "float64";
    case at::kLong: return "int64";
    case at::kInt: return "int32";
    case at::kShort: return "int16";
    case at::kChar: return "int8";
    case at::kByte: return "uint8";
    case at::kBool: return "bool";
    case at::kComplexFloat: return "complex64";
    case at::kComplexDouble: return "complex128";
    default: return c10::toString(t);
  }
}

at::ScalarType DT(const Napi::CallbackInfo& info, size_t i) { return ParseDtype(S(info, i)); }

c10::optional<at::ScalarType> ODT(const Napi::CallbackInfo& info, size_t i) {
  if (Absent(info, i)) return c10::nullopt;
  return DT(info, i);
}

at::Device ParseDevice(const std::string& name) {
  at::Device device(name);  // throws c10::Error with libtorch's message for a bad name
  if (device.is_cuda() && !at::hasCUDA())
    throw std::runtime_error("device '" + name + "' requested, but this libtorch has no CUDA (build against a CUDA libtorch to use it)");
  return device;
}

at::Device Dev(const Napi::CallbackInfo& info, size_t i) {
  if (Absent(info, i)) return at::Device(at::kCPU);
  return ParseDevice(S(info, i));
}

c10::optional<at::Generator> OGen(const Napi::CallbackInfo& info, size_t i) {
  if (Absent(info, i)) return c10::nullopt;
  if (!info[i].IsObject() || !info[i].As<Napi::Object>().InstanceOf(Data(info.Env()).generatorCtor.Value()))
    Bad(info, i, "a Generator");
  return GeneratorHandle::Unwrap(info[i].As<Napi::Object>())->generator;
}

// ---------------------------------------------------------------------------------------------------------
// Results

Napi::Value R(Napi::Env env, at::Tensor tensor) {
  TensorTable& t = table();
  uint32_t slot;
  if (!t.freeSlots.empty()) {
    slot = t.freeSlots.back();
    t.freeSlots.pop_back();
  } else {
    if (t.slots.size() >= static_cast<size_t>(kSlotSpan)) throw std::runtime_error("more than 16.7 million live tensors: dispose tensors (tidy) to free them");
    slot = static_cast<uint32_t>(t.slots.size());
    t.slots.emplace_back();
    t.generations.push_back(0);
    t.reportedBytes.push_back(0);
  }
  // Count a tensor's storage once, when this is its only owner (a fresh result); views share it.
  int64_t bytes = 0;
  if (tensor.defined() && tensor.has_storage() && tensor.device().is_cpu() && tensor.storage().use_count() == 1)
    bytes = static_cast<int64_t>(tensor.storage().nbytes());
  t.slots[slot] = std::move(tensor);
  t.reportedBytes[slot] = bytes;
  t.live++;
  if (bytes) {
    t.liveBytes += bytes;
    Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  }
  return Napi::Number::New(env, static_cast<double>(t.generations[slot]) * kSlotSpan + slot);
}

Napi::Value RL(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  Napi::Array arr = Napi::Array::New(env, tensors.size());
  for (size_t k = 0; k < tensors.size(); k++) arr.Set(static_cast<uint32_t>(k), R(env, tensors[k]));
  return arr;
}

Napi::Value R2(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair) {
  return RL(env, {std::get<0>(pair), std::get<1>(pair)});
}

// ---------------------------------------------------------------------------------------------------------
// Generator

Napi::Function GeneratorHandle::Define(Napi::Env env) {
  return DefineClass(env, "NativeGenerator",
                     {InstanceMethod("getState", &GeneratorHandle::GetState),
                      InstanceMethod("setState", &GeneratorHandle::SetState),
                      InstanceMethod("initialSeed", &GeneratorHandle::InitialSeed),
                      InstanceMethod("manualSeed", &GeneratorHandle::ManualSeed)});
}

GeneratorHandle::GeneratorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GeneratorHandle>(info) {
  uint64_t seed = 0;
  if (info.Length() > 0 && info[0].IsBigInt()) {
    bool lossless;
    seed = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else if (info.Length() > 0 && info[0].IsNumber()) {
    seed = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  }
  generator = at::detail::createCPUGenerator(seed);
}

// The state is a byte string (libtorch's own layout) so a checkpoint can restore the exact random stream.
Napi::Value GeneratorHandle::GetState(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  at::Tensor state = at::Tensor(generator.get_state());
  auto buf = Napi::Buffer<uint8_t>::Copy(info.Env(), state.data_ptr<uint8_t>(), state.numel());
  return buf;
}

void GeneratorHandle::SetState(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "setState needs a Uint8Array");
  auto arr = info[0].As<Napi::Uint8Array>();
  at::Tensor state = at::empty({static_cast<int64_t>(arr.ElementLength())}, at::kByte);
  std::memcpy(state.data_ptr<uint8_t>(), arr.Data(), arr.ElementLength());
  std::lock_guard<std::mutex> lock(generator.mutex());
  try {
    generator.set_state(state);
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  }
}

Napi::Value GeneratorHandle::InitialSeed(const Napi::CallbackInfo& info) {
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(generator.current_seed()));
}

void GeneratorHandle::ManualSeed(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(static_cast<uint64_t>(I(info, 0)));
}

// ---------------------------------------------------------------------------------------------------------
// Creation and conversion

static size_t ElementSize(at::ScalarType t) { return c10::elementSize(t); }

static at::TensorOptions Opts(const Napi::CallbackInfo& info, size_t dtypeArg, size_t deviceArg, at::ScalarType fallback = at::kFloat) {
  auto dtype = ODT(info, dtypeArg).value_or(fallback);
  return at::TensorOptions().dtype(dtype).device(Dev(info, deviceArg));
}

// Random numbers are drawn on the CPU with the given generator, then moved, so seeds agree across devices.
template <typename F>
static at::Tensor Random(const Napi::CallbackInfo& info, size_t genArg, size_t dtypeArg, size_t deviceArg, F draw,
                         at::ScalarType fallback = at::kFloat) {
  auto gen = OGen(info, genArg);
  auto opts = Opts(info, dtypeArg, deviceArg, fallback);
  if (!gen || opts.device().is_cpu()) return draw(gen, opts);
  return draw(gen, opts.device(at::kCPU)).to(opts.device());
}

static Napi::Value FromBuffer(const Napi::CallbackInfo& info) {
  // (data: TypedArray | ArrayBuffer view, dtype, shape, device?) -> tensor; the bytes are copied.
  if (info.Length() < 1 || !info[0].IsTypedArray()) throw Napi::TypeError::New(info.Env(), "fromBuffer: argument 0 must be a typed array");
  auto arr = info[0].As<Napi::TypedArray>();
  auto dtype = DT(info, 1);
  auto shape = IL(info, 2);
  int64_t numel = 1;
  for (auto s : shape) {
    if (s < 0) throw Napi::RangeError::New(info.Env(), "fromBuffer: negative dimension in shape");
    numel *= s;
  }
  size_t bytes = arr.ByteLength();
  if (bytes != static_cast<size_t>(numel) * ElementSize(dtype))
    throw Napi::RangeError::New(info.Env(), "fromBuffer: " + std::to_string(bytes) + " bytes given, shape needs " +
                                                std::to_string(numel * ElementSize(dtype)) + " for " + DtypeName(dtype));
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (bytes) {
    const uint8_t* src = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
    std::memcpy(t.data_ptr(), src, bytes);
  }
  auto device = Dev(info, 3);
  if (!device.is_cpu()) t = t.to(device);
  return R(info.Env(), t);
}

static Napi::Value ToBuffer(const Napi::CallbackInfo& info) {
  // -> ArrayBuffer with the tensor's elements in row-major order (copied; a cuda tensor is copied to cpu).
  at::Tensor t = T(info, 0).detach().to(at::kCPU).contiguous();
  if (t.is_complex()) t = at::view_as_real(t).contiguous();
  size_t bytes = t.numel() * t.element_size();
  auto buf = Napi::ArrayBuffer::New(info.Env(), bytes);
  if (bytes) std::memcpy(buf.Data(), t.data_ptr(), bytes);
  return buf;
}

static Napi::Value Item(const Napi::CallbackInfo& info) {
  at::Tensor& t = T(info, 0);
  if (t.numel() != 1) throw Napi::RangeError::New(info.Env(), "item(): tensor has " + std::to_string(t.numel()) + " elements, not 1");
  at::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(info.Env(), s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(info.Env(), static_cast<double>(s.toLong()));
  return Napi::Number::New(info.Env(), s.toDouble());
}

static Napi::Value Zeros(const Napi::CallbackInfo& info) { return R(info.Env(), at::zeros(IL(info, 0), Opts(info, 1, 2))); }
static Napi::Value Ones(const Napi::CallbackInfo& info) { return R(info.Env(), at::ones(IL(info, 0), Opts(info, 1, 2))); }
static Napi::Value Empty(const Napi::CallbackInfo& info) { return R(info.Env(), at::empty(IL(info, 0), Opts(info, 1, 2))); }
static Napi::Value Full(const Napi::CallbackInfo& info) {
  return R(info.Env(), at::full(IL(info, 0), Sc(info, 1), Opts(info, 2, 3)));
}
static Napi::Value Arange(const Napi::CallbackInfo& info) {
  // (start, end, step, dtype?, device?); dtype defaults to int64 for integral arguments, as in torch.
  at::Scalar start = Sc(info, 0), end = Sc(info, 1), step = Sc(info, 2);
  bool integral = start.isIntegral(false) && end.isIntegral(false) && step.isIntegral(false);
  return R(info.Env(), at::arange(start, end, step, Opts(info, 3, 4, integral ? at::kLong : at::kFloat)));
}
static Napi::Value Linspace(const Napi::CallbackInfo& info) {
  return R(info.Env(), at::linspace(Sc(info, 0), Sc(info, 1), I(info, 2), Opts(info, 3, 4)));
}
static Napi::Value Eye(const Napi::CallbackInfo& info) { return R(info.Env(), at::eye(I(info, 0), Opts(info, 1, 2))); }
static Napi::Value Randn(const Napi::CallbackInfo& info) {
  auto shape = IL(info, 0);
  return R(info.Env(), Random(info, 1, 2, 3, [&](auto gen, auto opts) { return at::randn(shape, gen, opts); }));
}
static Napi::Value Rand(const Napi::CallbackInfo& info) {
  auto shape = IL(info, 0);
  return R(info.Env(), Random(info, 1, 2, 3, [&](auto gen, auto opts) { return at::rand(shape, gen, opts); }));
}
static Napi::Value Randint(const Napi::CallbackInfo& info) {
  // (low, high, shape, generator?, dtype?, device?)
  int64_t low = I(info, 0), high = I(info, 1);
  auto shape = IL(info, 2);
  return R(info.Env(), Random(info, 3, 4, 5, [&](auto gen, auto opts) { return at::randint(low, high, shape, gen, opts); }, at::kLong));
}
static Napi::Value Randperm(const Napi::CallbackInfo& info) {
  int64_t n = I(info, 0);
  return R(info.Env(), Random(info, 1, 2, 3, [&](auto gen, auto opts) { return at::randperm(n, gen, opts); }, at::kLong));
}

// ---------------------------------------------------------------------------------------------------------
// Properties

static Napi::Value Shape(const Napi::CallbackInfo& info) {
  auto sizes = T(info, 0).sizes();
  Napi::Array arr = Napi::Array::New(info.Env(), sizes.size());
  for (size_t k = 0; k < sizes.size(); k++) arr.Set(static_cast<uint32_t>(k), Napi::Number::New(info.Env(), static_cast<double>(sizes[k])));
  return arr;
}
static Napi::Value Dtype(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), DtypeName(T(info, 0).scalar_type())); }
static Napi::Value DeviceOf(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), T(info, 0).device().str()); }
static Napi::Value Numel(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(T(info, 0).numel())); }
static Napi::Value IsContiguous(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), T(info, 0).is_contiguous()); }
static Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  uint32_t slot;
  return Napi::Boolean::New(info.Env(), !Lookup(D(info, 0), &slot));
}
// Frees a tensor id; true if it was live (disposing twice is harmless and returns false).
static Napi::Value Dispose(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), ReleaseId(info.Env(), D(info, 0))); }
static Napi::Value MemoryStats(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("liveTensors", static_cast<double>(table().live));
  o.Set("liveBytes", static_cast<double>(table().liveBytes));
  o.Set("slots", static_cast<double>(table().slots.size()));
  return o;
}
static Napi::Value StorageBytes(const Napi::CallbackInfo& info) {
  at::Tensor& t = T(info, 0);
  return Napi::Number::New(info.Env(), t.has_storage() ? static_cast<double>(t.storage().nbytes()) : 0.0);
}

// ---------------------------------------------------------------------------------------------------------
// Autograd

static Napi::Value RequiresGrad(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), T(info, 0).requires_grad()); }
static Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  T(info, 0).requires_grad_(B(info, 1));
  return info.Env().Undefined();
}
static Napi::Value Grad(const Napi::CallbackInfo& info) {
  const at::Tensor& g = T(info, 0).grad();
  if (!g.defined()) return info.Env().Undefined();
  return R(info.Env(), g);
}
static Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  auto g = OT(info, 1);
  T(info, 0).mutable_grad() = g ? *g : at::Tensor();
  return info.Env().Undefined();
}
static Napi::Value Backward(const Napi::CallbackInfo& info) {
  // (tensor, gradient?, retainGraph?)
  auto grad = OT(info, 1);
  bool retain = OB(info, 2, false);
  T(info, 0).backward(grad ? *grad : at::Tensor(), retain);
  return info.Env().Undefined();
}
static Napi::Value Detach(const Napi::CallbackInfo& info) { return R(info.Env(), T(info, 0).detach()); }
static Napi::Value IsLeaf(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), T(info, 0).is_leaf()); }
static Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(B(info, 0));
  return Napi::Boolean::New(info.Env(), previous);
}
static Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), at::GradMode::is_enabled()); }

void RegisterTensor(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function generatorCtor = GeneratorHandle::Define(env);
  data->generatorCtor = Napi::Persistent(generatorCtor);
  env.SetInstanceData<AddonData>(data);
  exports.Set("Generator", generatorCtor);
  Register(env, exports, "memoryStats", MemoryStats);

  Register(env, exports, "fromBuffer", FromBuffer);
  Register(env, exports, "toBuffer", ToBuffer);
  Register(env, exports, "item", Item);
  Register(env, exports, "zeros", Zeros);
  Register(env, exports, "ones", Ones);
  Register(env, exports, "empty", Empty);
  Register(env, exports, "full", Full);
  Register(env, exports, "arange", Arange);
  Register(env, exports, "linspace", Linspace);
  Register(env, exports, "eye", Eye);
  Register(env, exports, "randn", Randn);
  Register(env, exports, "rand", Rand);
  Register(env, exports, "randint", Randint);
  Register(env, exports, "randperm", Randperm);
  Register(env, exports, "shape", Shape);
  Register(env, exports, "dtype", Dtype);
  Register(env, exports, "device", DeviceOf);
  Register(env, exports, "numel", Numel);
  Register(env, exports, "isContiguous", IsContiguous);
  Register(env, exports, "isDisposed", IsDisposed);
  Register(env, exports, "dispose", Dispose);
  Register(env, exports, "storageBytes", StorageBytes);
  Register(env, exports, "requiresGrad", RequiresGrad);
  Register(env, exports, "setRequiresGrad", SetRequiresGrad);
  Register(env, exports, "grad", Grad);
  Register(env, exports, "setGrad", SetGrad);
  Register(env, exports, "backward", Backward);
  Register(env, exports, "detach", Detach);
  Register(env, exports, "isLeaf", IsLeaf);
  Register(env, exports, "setGradEnabled", SetGradEnabled);
  Register(env, exports, "isGradEnabled", IsGradEnabled);
}

}  // namespace gnative

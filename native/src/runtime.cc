// Runtime: versions, devices, threads and BLAS, seeds, memory counters, fused optimizer steps, and a direct
// BLAS sgemm call (the reference the engine benchmark compares libtorch's matmul against).
#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <ATen/core/grad_mode.h>
#include <dlfcn.h>
#include <link.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <torch/version.h>

#include <chrono>
#include <cstring>

#include "common.h"

namespace gnative {

using Info = const Napi::CallbackInfo&;

// ---- finding BLAS symbols in whatever library libtorch loaded (OpenBLAS for Debian, MKL in pip torch) -------
static int FindSymbolCallback(struct dl_phdr_info* phdr, size_t, void* data) {
  auto* req = static_cast<std::pair<const char*, void*>*>(data);
  if (!phdr->dlpi_name || !phdr->dlpi_name[0]) return 0;
  void* handle = dlopen(phdr->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle) return 0;
  void* sym = dlsym(handle, req->first);
  dlclose(handle);
  if (sym) {
    req->second = sym;
    return 1;
  }
  return 0;
}

static void* FindSymbol(const char* name) {
  if (void* sym = dlsym(RTLD_DEFAULT, name)) return sym;
  std::pair<const char*, void*> req{name, nullptr};
  dl_iterate_phdr(FindSymbolCallback, &req);
  return req.second;
}

static std::string LibraryOf(void* sym) {
  Dl_info dl;
  if (sym && dladdr(sym, &dl) && dl.dli_fname) return dl.dli_fname;
  return "";
}

static Napi::Value Version(Info info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("libtorch", std::string(TORCH_VERSION));
  o.Set("cuda", at::hasCUDA());
  o.Set("config", at::show_config());
  o.Set("parallel", at::get_parallel_info());
  return o;
}

static Napi::Value CudaDeviceCount(Info info) {
  return Napi::Number::New(info.Env(), at::hasCUDA() ? static_cast<double>(at::detail::getCUDAHooks().getNumGPUs()) : 0.0);
}

static Napi::Value SetNumThreads(Info info) {
  at::set_num_threads(static_cast<int>(I(info, 0)));
  return info.Env().Undefined();
}
static Napi::Value GetNumThreads(Info info) { return Napi::Number::New(info.Env(), at::get_num_threads()); }

using IntSetter = void (*)(int);
using IntGetter = int (*)();
using StrGetter = char* (*)();

static Napi::Value BlasInfo(Info info) {
  Napi::Object o = Napi::Object::New(info.Env());
  void* getConfig = FindSymbol("openblas_get_config");
  void* getThreads = FindSymbol("openblas_get_num_threads");
  void* getCore = FindSymbol("openblas_get_corename");
  void* sgemm = FindSymbol("cblas_sgemm");
  if (getConfig) {
    o.Set("name", "OpenBLAS");
    o.Set("config", std::string(reinterpret_cast<StrGetter>(getConfig)()));
    if (getCore) o.Set("core", std::string(reinterpret_cast<StrGetter>(getCore)()));
    if (getThreads) o.Set("threads", reinterpret_cast<IntGetter>(getThreads)());
    o.Set("library", LibraryOf(getConfig));
  } else if (void* mkl = FindSymbol("MKL_Get_Max_Threads")) {
    o.Set("name", "MKL");
    o.Set("threads", reinterpret_cast<IntGetter>(mkl)());
    o.Set("library", LibraryOf(mkl));
  } else {
    o.Set("name", sgemm ? "unknown BLAS" : "none found");
    if (sgemm) o.Set("library", LibraryOf(sgemm));
  }
  o.Set("cblasSgemm", sgemm != nullptr);
  return o;
}

static Napi::Value SetBlasThreads(Info info) {
  int n = static_cast<int>(I(info, 0));
  if (void* f = FindSymbol("openblas_set_num_threads")) {
    reinterpret_cast<IntSetter>(f)(n);
    return Napi::Boolean::New(info.Env(), true);
  }
  if (void* f = FindSymbol("MKL_Set_Num_Threads")) {
    reinterpret_cast<IntSetter>(f)(n);
    return Napi::Boolean::New(info.Env(), true);
  }
  return Napi::Boolean::New(info.Env(), false);
}

// (n, iterations) -> seconds per call of cblas_sgemm for n x n times n x n, or null without a CBLAS.
static Napi::Value SgemmDirect(Info info) {
  using Sgemm = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
  auto f = reinterpret_cast<Sgemm>(FindSymbol("cblas_sgemm"));
  if (!f) return info.Env().Null();
  int n = static_cast<int>(I(info, 0));
  int iters = static_cast<int>(I(info, 1));
  std::vector<float> a(static_cast<size_t>(n) * n), b(a.size()), c(a.size());
  for (size_t k = 0; k < a.size(); k++) {
    a[k] = static_cast<float>((k * 2654435761u) % 1000) / 1000.0f - 0.5f;
    b[k] = static_cast<float>((k * 40503u) % 1000) / 1000.0f - 0.5f;
  }
  const int RowMajor = 101, NoTrans = 111;
  f(RowMajor, NoTrans, NoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);  // warm-up
  auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < iters; k++) f(RowMajor, NoTrans, NoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return Napi::Number::New(info.Env(), secs / iters);
}

// glibc returns large freed blocks to the kernel (mmap/trim), so every training step faulted its activations
// in again, page by page: 16,500 faults and ~15% of a transformer train step here. Keeping blocks up to
// mmapThreshold in the heap and not trimming it below trimThreshold lets steps reuse memory, at the price of
// holding the peak. (mmapThreshold, trimThreshold) -> whether the allocator took the settings.
static Napi::Value TuneMalloc(Info info) {
#ifdef __GLIBC__
  bool ok = mallopt(M_MMAP_THRESHOLD, static_cast<int>(I(info, 0))) == 1;
  ok = mallopt(M_TRIM_THRESHOLD, static_cast<int>(I(info, 1))) == 1 && ok;
  return Napi::Boolean::New(info.Env(), ok);
#else
  return Napi::Boolean::New(info.Env(), false);
#endif
}

static Napi::Value ManualSeed(Info info) {
  at::manual_seed(static_cast<uint64_t>(I(info, 0)));
  return info.Env().Undefined();
}


// ---- optimizers ---------------------------------------------------------------------------------------------
// One AdamW step over a parameter group (decoupled weight decay, Loshchilov & Hutter), in one native call so a
// model with hundreds of tensors pays the binding's overhead once. Parameters without a gradient are skipped.
// (params, expAvg, expAvgSq, lr, beta1, beta2, eps, weightDecay, step)
static Napi::Value AdamwStep(Info info) {
  auto params = TL(info, 0), m = TL(info, 1), v = TL(info, 2);
  double lr = D(info, 3), beta1 = D(info, 4), beta2 = D(info, 5), eps = D(info, 6), wd = D(info, 7);
  int64_t step = I(info, 8);
  if (m.size() != params.size() || v.size() != params.size()) throw std::invalid_argument("adamwStep: state lists differ in length from params");
  at::NoGradGuard noGrad;
  double bc1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  double bc2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  double stepSize = lr / bc1;
  double bc2Sqrt = std::sqrt(bc2);
  for (size_t k = 0; k < params.size(); k++) {
    at::Tensor& p = params[k];
    const at::Tensor& g = p.grad();
    if (!g.defined()) continue;
    if (wd != 0) p.mul_(1.0 - lr * wd);
    m[k].mul_(beta1).add_(g, 1.0 - beta1);
    v[k].mul_(beta2).addcmul_(g, g, 1.0 - beta2);
    at::Tensor denom = (v[k].sqrt() / bc2Sqrt).add_(eps);
    p.addcdiv_(m[k], denom, -stepSize);
  }
  return info.Env().Undefined();
}

// Scales gradients so that their global L2 norm is at most maxNorm; returns the norm before clipping.
static Napi::Value ClipGradNorm(Info info) {
  auto params = TL(info, 0);
  double maxNorm = D(info, 1);
  at::NoGradGuard noGrad;
  std::vector<at::Tensor> norms;
  for (auto& p : params)
    if (p.grad().defined()) norms.push_back(at::norm(p.grad().to(at::kFloat), 2));
  if (norms.empty()) return Napi::Number::New(info.Env(), 0.0);
  double total = at::norm(at::stack(norms), 2).item<double>();
  if (std::isfinite(total) && total > maxNorm) {
    double scale = maxNorm / (total + 1e-6);
    for (auto& p : params)
      if (p.grad().defined()) p.mutable_grad().mul_(scale);
  }
  return Napi::Number::New(info.Env(), total);
}

static Napi::Value ZeroGrad(Info info) {
  for (auto& p : TL(info, 0)) p.mutable_grad() = at::Tensor();
  return info.Env().Undefined();
}

void RegisterRuntime(Napi::Env env, Napi::Object exports) {
  Register(env, exports, "version", Version);
  Register(env, exports, "cudaDeviceCount", CudaDeviceCount);
  Register(env, exports, "setNumThreads", SetNumThreads);
  Register(env, exports, "getNumThreads", GetNumThreads);
  Register(env, exports, "blasInfo", BlasInfo);
  Register(env, exports, "setBlasThreads", SetBlasThreads);
  Register(env, exports, "sgemmDirect", SgemmDirect);
  Register(env, exports, "manualSeed", ManualSeed);
  Register(env, exports, "tuneMalloc", TuneMalloc);
  Register(env, exports, "adamwStep", AdamwStep);
  Register(env, exports, "clipGradNorm", ClipGradNorm);
  Register(env, exports, "zeroGrad", ZeroGrad);
}

}  // namespace gnative

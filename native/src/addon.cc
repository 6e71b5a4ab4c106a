// gamma-music's native addon: libtorch tensors, ops, autograd and runtime controls exposed to Node.
#include "common.h"

namespace gnative {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  RegisterTensor(env, exports);
  RegisterOps(env, exports);
  RegisterRuntime(env, exports);
  RegisterCodecs(env, exports);
  return exports;
}
}  // namespace gnative

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return gnative::Init(env, exports); }

NODE_API_MODULE(gamma_native, InitModule)

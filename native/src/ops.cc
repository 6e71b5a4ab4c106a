// Tensor operations: a thin, one-to-one layer over ATen. Argument order follows ATen; defaults and
// conveniences live in TypeScript (src/engine/tensor.ts).
#include "common.h"

namespace gnative {

using Info = const Napi::CallbackInfo&;
#define RET(expr) return R(info.Env(), (expr))

// ---- elementwise, unary ---------------------------------------------------------------------------------
#define UNARY(name, call) \
  static Napi::Value name(Info info) { RET(call(T(info, 0))); }
UNARY(Neg, at::neg)
UNARY(Exp, at::exp)
UNARY(Log, at::log)
UNARY(Log1p, at::log1p)
UNARY(Sqrt, at::sqrt)
UNARY(Rsqrt, at::rsqrt)
UNARY(Abs, at::abs)
UNARY(Sin, at::sin)
UNARY(Cos, at::cos)
UNARY(Tanh, at::tanh)
UNARY(Sigmoid, at::sigmoid)
UNARY(Relu, at::relu)
UNARY(Silu, at::silu)
UNARY(Erf, at::erf)
UNARY(Floor, at::floor)
UNARY(Ceil, at::ceil)
UNARY(Round, at::round)
UNARY(Sign, at::sign)
UNARY(Reciprocal, at::reciprocal)
UNARY(Square, at::square)
UNARY(LogicalNot, at::logical_not)
UNARY(Isnan, at::isnan)
UNARY(Isfinite, at::isfinite)
UNARY(Real, at::real)
UNARY(Imag, at::imag)
UNARY(ViewAsReal, at::view_as_real)
UNARY(Contiguous, [](const at::Tensor& t) { return t.contiguous(); })
UNARY(Clone, [](const at::Tensor& t) { return t.clone(); })
#undef UNARY

static Napi::Value Gelu(Info info) { RET(at::gelu(T(info, 0), info.Length() > 1 ? S(info, 1) : "none")); }
static Napi::Value Clamp(Info info) {
  c10::optional<at::Scalar> lo, hi;
  if (IsScalar(info, 1)) lo = Sc(info, 1);
  if (IsScalar(info, 2)) hi = Sc(info, 2);
  RET(at::clamp(T(info, 0), lo, hi));
}

// ---- elementwise, binary: name(tensor, tensor) and nameScalar(tensor, number) ---------------------------
// Tensors travel as numbers (ids), so a scalar operand gets its own entry point rather than a type test.
#define BINARY(name, call)                                                            \
  static Napi::Value name(Info info) { RET(call(T(info, 0), T(info, 1))); }          \
  static Napi::Value name##Scalar(Info info) { RET(call(T(info, 0), Sc(info, 1))); }
BINARY(Mul, at::mul)
BINARY(Div, at::div)
BINARY(Pow, at::pow)
BINARY(Eq, at::eq)
BINARY(Ne, at::ne)
BINARY(Lt, at::lt)
BINARY(Le, at::le)
BINARY(Gt, at::gt)
BINARY(Ge, at::ge)
BINARY(Remainder, at::remainder)
BINARY(FloorDivide, at::floor_divide)
#undef BINARY
static at::Scalar Alpha(Info info, size_t i) { return IsScalar(info, i) ? Sc(info, i) : at::Scalar(1); }
static Napi::Value Add(Info info) { RET(at::add(T(info, 0), T(info, 1), Alpha(info, 2))); }  // a + alpha * b
static Napi::Value AddScalar(Info info) { RET(at::add(T(info, 0), Sc(info, 1), Alpha(info, 2))); }
static Napi::Value Sub(Info info) { RET(at::sub(T(info, 0), T(info, 1), Alpha(info, 2))); }
static Napi::Value SubScalar(Info info) { RET(at::sub(T(info, 0), Sc(info, 1), Alpha(info, 2))); }
static Napi::Value Maximum(Info info) { RET(at::maximum(T(info, 0), T(info, 1))); }
static Napi::Value Minimum(Info info) { RET(at::minimum(T(info, 0), T(info, 1))); }
static Napi::Value LogicalAnd(Info info) { RET(at::logical_and(T(info, 0), T(info, 1))); }
static Napi::Value LogicalOr(Info info) { RET(at::logical_or(T(info, 0), T(info, 1))); }
static Napi::Value Where(Info info) {  // (cond, a, b, aIsScalar, bIsScalar)
  const at::Tensor& c = T(info, 0);
  bool sa = OB(info, 3, false), sb = OB(info, 4, false);
  if (sa && sb) RET(at::where(c, Sc(info, 1), Sc(info, 2)));
  if (sa) RET(at::where(c, Sc(info, 1), T(info, 2)));
  if (sb) RET(at::where(c, T(info, 1), Sc(info, 2)));
  RET(at::where(c, T(info, 1), T(info, 2)));
}
static Napi::Value MaskedFill(Info info) {  // (t, mask, value, valueIsScalar)
  if (OB(info, 3, false)) RET(at::masked_fill(T(info, 0), T(info, 1), Sc(info, 2)));
  RET(at::masked_fill(T(info, 0), T(info, 1), T(info, 2)));
}
static Napi::Value To(Info info) {  // (tensor, dtype?, device?, copy?)
  at::Tensor& t = T(info, 0);
  auto dtype = ODT(info, 1).value_or(t.scalar_type());
  at::Device device = (info.Length() > 2 && info[2].IsString()) ? ParseDevice(S(info, 2)) : t.device();
  RET(t.to(device, dtype, /*non_blocking=*/false, /*copy=*/OB(info, 3, false)));
}

// ---- in place (parameter updates and initialisation; callers use them under no-grad) ---------------------
static Napi::Value CopyInPlace(Info info) {
  T(info, 0).copy_(T(info, 1));
  return info.Env().Undefined();
}
// Replaces a tensor's data (and so its dtype or device) keeping its identity: how Module.to() moves parameters
// without invalidating references to them.
static Napi::Value SetData(Info info) {
  T(info, 0).set_data(T(info, 1));
  return info.Env().Undefined();
}
static Napi::Value FillInPlace(Info info) {
  T(info, 0).fill_(Sc(info, 1));
  return info.Env().Undefined();
}
static Napi::Value AddInPlace(Info info) {  // (a, b, alpha?)
  T(info, 0).add_(T(info, 1), Alpha(info, 2));
  return info.Env().Undefined();
}
static Napi::Value AddScalarInPlace(Info info) {
  T(info, 0).add_(Sc(info, 1), Alpha(info, 2));
  return info.Env().Undefined();
}
static Napi::Value MulInPlace(Info info) {
  T(info, 0).mul_(T(info, 1));
  return info.Env().Undefined();
}
static Napi::Value MulScalarInPlace(Info info) {
  T(info, 0).mul_(Sc(info, 1));
  return info.Env().Undefined();
}
static Napi::Value NormalInPlace(Info info) {  // (t, mean, std, generator?)
  at::Tensor& t = T(info, 0);
  auto gen = OGen(info, 3);
  if (t.device().is_cpu() || !gen) t.normal_(D(info, 1), D(info, 2), gen);
  else t.copy_(at::empty(t.sizes(), t.options().device(at::kCPU)).normal_(D(info, 1), D(info, 2), gen));
  return info.Env().Undefined();
}
static Napi::Value UniformInPlace(Info info) {  // (t, from, to, generator?)
  at::Tensor& t = T(info, 0);
  auto gen = OGen(info, 3);
  if (t.device().is_cpu() || !gen) t.uniform_(D(info, 1), D(info, 2), gen);
  else t.copy_(at::empty(t.sizes(), t.options().device(at::kCPU)).uniform_(D(info, 1), D(info, 2), gen));
  return info.Env().Undefined();
}

// ---- shape and views ---------------------------------------------------------------------------------------
static Napi::Value Reshape(Info info) { RET(at::reshape(T(info, 0), IL(info, 1))); }
static Napi::Value View(Info info) { RET(T(info, 0).view(IL(info, 1))); }
static Napi::Value Permute(Info info) { RET(T(info, 0).permute(IL(info, 1))); }
static Napi::Value Transpose(Info info) { RET(at::transpose(T(info, 0), I(info, 1), I(info, 2))); }
static Napi::Value Narrow(Info info) { RET(at::narrow(T(info, 0), I(info, 1), I(info, 2), I(info, 3))); }
static Napi::Value Slice(Info info) {  // (t, dim, start?, end?, step)
  RET(at::slice(T(info, 0), I(info, 1), OI(info, 2), OI(info, 3), I(info, 4)));
}
static Napi::Value Select(Info info) { RET(at::select(T(info, 0), I(info, 1), I(info, 2))); }
static Napi::Value IndexSelect(Info info) { RET(at::index_select(T(info, 0), I(info, 1), T(info, 2))); }
static Napi::Value Gather(Info info) { RET(at::gather(T(info, 0), I(info, 1), T(info, 2))); }
static Napi::Value ScatterAdd(Info info) { RET(at::scatter_add(T(info, 0), I(info, 1), T(info, 2), T(info, 3))); }
static Napi::Value Scatter(Info info) {  // (t, dim, index, src, srcIsScalar)
  if (OB(info, 4, false)) RET(at::scatter(T(info, 0), I(info, 1), T(info, 2), Sc(info, 3)));
  RET(at::scatter(T(info, 0), I(info, 1), T(info, 2), T(info, 3)));
}
static Napi::Value MaskedSelect(Info info) { RET(at::masked_select(T(info, 0), T(info, 1))); }
static Napi::Value Cat(Info info) { RET(at::cat(TL(info, 0), I(info, 1))); }
static Napi::Value Stack(Info info) { RET(at::stack(TL(info, 0), I(info, 1))); }
static Napi::Value Split(Info info) {  // (t, sizeOrSizes, dim)
  if (info.Length() > 1 && info[1].IsArray()) return RL(info.Env(), at::split_with_sizes(T(info, 0), IL(info, 1), I(info, 2)));
  return RL(info.Env(), at::split(T(info, 0), I(info, 1), I(info, 2)));
}
static Napi::Value Chunk(Info info) { return RL(info.Env(), at::chunk(T(info, 0), I(info, 1), I(info, 2))); }
static Napi::Value Squeeze(Info info) {
  auto dim = OI(info, 1);
  RET(dim ? at::squeeze(T(info, 0), *dim) : at::squeeze(T(info, 0)));
}
static Napi::Value Unsqueeze(Info info) { RET(at::unsqueeze(T(info, 0), I(info, 1))); }
static Napi::Value Expand(Info info) { RET(T(info, 0).expand(IL(info, 1))); }
static Napi::Value Repeat(Info info) { RET(T(info, 0).repeat(IL(info, 1))); }
static Napi::Value Flatten(Info info) { RET(at::flatten(T(info, 0), I(info, 1), I(info, 2))); }
static Napi::Value Flip(Info info) { RET(at::flip(T(info, 0), IL(info, 1))); }
static Napi::Value Roll(Info info) { RET(at::roll(T(info, 0), IL(info, 1), IL(info, 2))); }
static Napi::Value Triu(Info info) { RET(at::triu(T(info, 0), I(info, 1))); }
static Napi::Value Tril(Info info) { RET(at::tril(T(info, 0), I(info, 1))); }
static Napi::Value Pad(Info info) {  // (t, pads (last dim first, as torch), mode, value)
  auto pads = IL(info, 1);
  std::string mode = S(info, 2);
  at::Tensor& t = T(info, 0);
  if (mode == "constant") RET(at::constant_pad_nd(t, pads, IsScalar(info, 3) ? Sc(info, 3) : at::Scalar(0)));
  // reflect/replicate pad the last dims of a batched (N, C, ...) input; accept (C, L) too, like torch.
  bool unbatched = static_cast<int64_t>(pads.size()) / 2 + 1 == t.dim();
  at::Tensor x = unbatched ? t.unsqueeze(0) : t;
  at::Tensor y;
  if (pads.size() != 2 && pads.size() != 4 && pads.size() != 6)
    throw std::invalid_argument("pad: " + mode + " padding takes 2, 4 or 6 values (1 to 3 trailing dimensions), got " + std::to_string(pads.size()));
  if (mode == "reflect")
    y = pads.size() == 2 ? at::reflection_pad1d(x, pads) : pads.size() == 4 ? at::reflection_pad2d(x, pads) : at::reflection_pad3d(x, pads);
  else if (mode == "replicate")
    y = pads.size() == 2 ? at::replication_pad1d(x, pads) : pads.size() == 4 ? at::replication_pad2d(x, pads) : at::replication_pad3d(x, pads);
  else throw std::invalid_argument("pad: mode must be constant, reflect or replicate, not '" + mode + "'");
  RET(unbatched ? y.squeeze(0) : y);
}
static Napi::Value OneHot(Info info) { RET(at::one_hot(T(info, 0), I(info, 1))); }

// ---- reductions ---------------------------------------------------------------------------------------------
// dims: undefined = all dimensions.
static at::OptionalIntArrayRef Dims(const c10::optional<std::vector<int64_t>>& d) {
  if (!d) return c10::nullopt;
  return at::IntArrayRef(*d);
}
static c10::optional<std::vector<int64_t>> ODims(Info info, size_t i) {
  if (i >= info.Length() || info[i].IsUndefined() || info[i].IsNull()) return c10::nullopt;
  return IL(info, i);
}
static Napi::Value Sum(Info info) {  // (t, dims?, keepdim, dtype?)
  auto dims = ODims(info, 1);
  if (!dims) RET(at::sum(T(info, 0), ODT(info, 3)));
  RET(at::sum(T(info, 0), *dims, OB(info, 2, false), ODT(info, 3)));
}
static Napi::Value Mean(Info info) {
  auto dims = ODims(info, 1);
  if (!dims) RET(at::mean(T(info, 0), ODT(info, 3)));
  RET(at::mean(T(info, 0), *dims, OB(info, 2, false), ODT(info, 3)));
}
static Napi::Value Prod(Info info) {  // (t, dim?, keepdim)
  auto dim = OI(info, 1);
  if (!dim) RET(at::prod(T(info, 0)));
  RET(at::prod(T(info, 0), *dim, OB(info, 2, false)));
}
static Napi::Value Var(Info info) {  // (t, dims?, correction, keepdim)
  auto dims = ODims(info, 1);
  RET(at::var(T(info, 0), Dims(dims), c10::optional<int64_t>(I(info, 2)), OB(info, 3, false)));
}
static Napi::Value Amax(Info info) { RET(at::amax(T(info, 0), IL(info, 1), OB(info, 2, false))); }
static Napi::Value Amin(Info info) { RET(at::amin(T(info, 0), IL(info, 1), OB(info, 2, false))); }
static Napi::Value MaxAll(Info info) { RET(at::max(T(info, 0))); }
static Napi::Value MinAll(Info info) { RET(at::min(T(info, 0))); }
static Napi::Value MaxDim(Info info) { return R2(info.Env(), at::max(T(info, 0), I(info, 1), OB(info, 2, false))); }
static Napi::Value MinDim(Info info) { return R2(info.Env(), at::min(T(info, 0), I(info, 1), OB(info, 2, false))); }
static Napi::Value Argmax(Info info) { RET(at::argmax(T(info, 0), OI(info, 1), OB(info, 2, false))); }
static Napi::Value Argmin(Info info) { RET(at::argmin(T(info, 0), OI(info, 1), OB(info, 2, false))); }
static Napi::Value Logsumexp(Info info) { RET(at::logsumexp(T(info, 0), IL(info, 1), OB(info, 2, false))); }
static Napi::Value Cumsum(Info info) { RET(at::cumsum(T(info, 0), I(info, 1))); }
static Napi::Value All(Info info) { RET(at::all(T(info, 0))); }
static Napi::Value Any(Info info) { RET(at::any(T(info, 0))); }
static Napi::Value Norm(Info info) {  // (t, p) over all elements; returns a float scalar tensor
  RET(at::norm(T(info, 0), Sc(info, 1)));
}
static Napi::Value Topk(Info info) {  // (t, k, dim, largest, sorted)
  return R2(info.Env(), at::topk(T(info, 0), I(info, 1), I(info, 2), OB(info, 3, true), OB(info, 4, true)));
}
static Napi::Value Sort(Info info) {  // (t, dim, descending, stable)
  return R2(info.Env(), at::sort(T(info, 0), c10::optional<bool>(OB(info, 3, false)), I(info, 1), OB(info, 2, false)));
}
static Napi::Value Multinomial(Info info) {  // (probs, n, replacement, generator?)
  RET(at::multinomial(T(info, 0), I(info, 1), OB(info, 2, false), OGen(info, 3)));
}

// ---- linear algebra and neural network functions ------------------------------------------------------------
static Napi::Value Matmul(Info info) { RET(at::matmul(T(info, 0), T(info, 1))); }
static Napi::Value Bmm(Info info) { RET(at::bmm(T(info, 0), T(info, 1))); }
static Napi::Value Mm(Info info) { RET(at::mm(T(info, 0), T(info, 1))); }
static Napi::Value Linear(Info info) { RET(at::linear(T(info, 0), T(info, 1), OT(info, 2))); }
static Napi::Value Conv1d(Info info) {  // (x, w, b?, stride, padding, dilation, groups)
  RET(at::conv1d(T(info, 0), T(info, 1), OT(info, 2), {I(info, 3)}, {I(info, 4)}, {I(info, 5)}, I(info, 6)));
}
static Napi::Value Conv2d(Info info) {  // (x, w, b?, stride[2], padding[2], dilation[2], groups)
  RET(at::conv2d(T(info, 0), T(info, 1), OT(info, 2), IL(info, 3), IL(info, 4), IL(info, 5), I(info, 6)));
}
static Napi::Value AvgPool1d(Info info) {  // (x, kernel, stride, padding)
  RET(at::avg_pool1d(T(info, 0), {I(info, 1)}, {I(info, 2)}, {I(info, 3)}));
}
static Napi::Value MaxPool1d(Info info) { RET(at::max_pool1d(T(info, 0), {I(info, 1)}, {I(info, 2)}, {I(info, 3)})); }
static Napi::Value AvgPool2d(Info info) { RET(at::avg_pool2d(T(info, 0), IL(info, 1), IL(info, 2), IL(info, 3))); }
static Napi::Value MaxPool2d(Info info) { RET(at::max_pool2d(T(info, 0), IL(info, 1), IL(info, 2), IL(info, 3))); }
static Napi::Value Embedding(Info info) {  // (weight, indices, paddingIdx)
  RET(at::embedding(T(info, 0), T(info, 1), I(info, 2)));
}
static Napi::Value LayerNorm(Info info) {  // (x, normalizedShape, weight?, bias?, eps)
  RET(at::layer_norm(T(info, 0), IL(info, 1), OT(info, 2), OT(info, 3), D(info, 4)));
}
static Napi::Value Softmax(Info info) { RET(at::softmax(T(info, 0), I(info, 1), ODT(info, 2))); }
static Napi::Value LogSoftmax(Info info) { RET(at::log_softmax(T(info, 0), I(info, 1), ODT(info, 2))); }
static Napi::Value Dropout(Info info) { RET(at::dropout(T(info, 0), D(info, 1), B(info, 2))); }
static Napi::Value CrossEntropy(Info info) {  // (logits [N, C], target [N], weight?, reduction, ignoreIndex, labelSmoothing)
  std::string red = S(info, 3);
  int64_t reduction = red == "mean" ? at::Reduction::Mean : red == "sum" ? at::Reduction::Sum : red == "none" ? at::Reduction::None : -1;
  if (reduction < 0) throw std::invalid_argument("cross_entropy: reduction must be mean, sum or none, not '" + red + "'");
  RET(at::cross_entropy_loss(T(info, 0), T(info, 1), OT(info, 2), reduction, I(info, 4), D(info, 5)));
}
static Napi::Value MseLoss(Info info) { RET(at::mse_loss(T(info, 0), T(info, 1))); }
static Napi::Value BceWithLogits(Info info) {  // (logits, target, posWeight?)
  RET(at::binary_cross_entropy_with_logits(T(info, 0), T(info, 1), c10::nullopt, OT(info, 2)));
}
static Napi::Value Stft(Info info) {  // (x, nFft, hop, winLength, window?, center, padMode, normalized, onesided) -> complex
  at::Tensor x = T(info, 0);
  int64_t nFft = I(info, 1), hop = I(info, 2), win = I(info, 3);
  auto window = OT(info, 4);
  bool center = OB(info, 5, true);
  std::string padMode = info.Length() > 6 && info[6].IsString() ? S(info, 6) : "reflect";
  if (center) {
    // Centre padding done here (libtorch 1.13 and 2.x differ in what stft accepts for it).
    bool batched = x.dim() == 2;
    at::Tensor x3 = batched ? x.unsqueeze(1) : x.view({1, 1, -1});
    std::vector<int64_t> pads = {nFft / 2, nFft / 2};
    x3 = padMode == "constant" ? at::constant_pad_nd(x3, pads, 0) : at::reflection_pad1d(x3, pads);
    x = batched ? x3.squeeze(1) : x3.view({-1});
  }
  RET(at::stft(x, nFft, hop, win, window, OB(info, 7, false), OB(info, 8, true), /*return_complex=*/true));
}

#define REG(js, fn) Register(env, exports, js, fn)
void RegisterOps(Napi::Env env, Napi::Object exports) {
  REG("neg", Neg); REG("exp", Exp); REG("log", Log); REG("log1p", Log1p); REG("sqrt", Sqrt); REG("rsqrt", Rsqrt);
  REG("abs", Abs); REG("sin", Sin); REG("cos", Cos); REG("tanh", Tanh); REG("sigmoid", Sigmoid); REG("relu", Relu);
  REG("silu", Silu); REG("erf", Erf); REG("floor", Floor); REG("ceil", Ceil); REG("round", Round); REG("sign", Sign);
  REG("reciprocal", Reciprocal); REG("square", Square); REG("logicalNot", LogicalNot); REG("isnan", Isnan);
  REG("isfinite", Isfinite); REG("real", Real); REG("imag", Imag); REG("viewAsReal", ViewAsReal);
  REG("contiguous", Contiguous); REG("clone", Clone); REG("gelu", Gelu); REG("clamp", Clamp);
  REG("add", Add); REG("sub", Sub); REG("mul", Mul); REG("div", Div); REG("pow", Pow); REG("eq", Eq); REG("ne", Ne);
  REG("lt", Lt); REG("le", Le); REG("gt", Gt); REG("ge", Ge); REG("remainder", Remainder); REG("floorDivide", FloorDivide);
  REG("addScalar", AddScalar); REG("subScalar", SubScalar); REG("mulScalar", MulScalar); REG("divScalar", DivScalar);
  REG("powScalar", PowScalar); REG("eqScalar", EqScalar); REG("neScalar", NeScalar); REG("ltScalar", LtScalar);
  REG("leScalar", LeScalar); REG("gtScalar", GtScalar); REG("geScalar", GeScalar); REG("remainderScalar", RemainderScalar);
  REG("floorDivideScalar", FloorDivideScalar); REG("addScalar_", AddScalarInPlace); REG("mulScalar_", MulScalarInPlace);
  REG("maximum", Maximum); REG("minimum", Minimum); REG("logicalAnd", LogicalAnd); REG("logicalOr", LogicalOr);
  REG("where", Where); REG("maskedFill", MaskedFill); REG("to", To);
  REG("copy_", CopyInPlace); REG("setData", SetData); REG("fill_", FillInPlace); REG("add_", AddInPlace); REG("mul_", MulInPlace);
  REG("normal_", NormalInPlace); REG("uniform_", UniformInPlace);
  REG("reshape", Reshape); REG("view", View); REG("permute", Permute); REG("transpose", Transpose); REG("narrow", Narrow);
  REG("slice", Slice); REG("select", Select); REG("indexSelect", IndexSelect); REG("gather", Gather);
  REG("scatterAdd", ScatterAdd); REG("scatter", Scatter); REG("maskedSelect", MaskedSelect); REG("cat", Cat);
  REG("stack", Stack); REG("split", Split); REG("chunk", Chunk); REG("squeeze", Squeeze); REG("unsqueeze", Unsqueeze);
  REG("expand", Expand); REG("repeat", Repeat); REG("flatten", Flatten); REG("flip", Flip); REG("roll", Roll);
  REG("triu", Triu); REG("tril", Tril); REG("pad", Pad); REG("oneHot", OneHot);
  REG("sum", Sum); REG("mean", Mean); REG("prod", Prod); REG("var", Var); REG("amax", Amax); REG("amin", Amin);
  REG("maxAll", MaxAll); REG("minAll", MinAll); REG("maxDim", MaxDim); REG("minDim", MinDim); REG("argmax", Argmax);
  REG("argmin", Argmin); REG("logsumexp", Logsumexp); REG("cumsum", Cumsum); REG("all", All); REG("any", Any);
  REG("norm", Norm); REG("topk", Topk); REG("sort", Sort); REG("multinomial", Multinomial);
  REG("matmul", Matmul); REG("bmm", Bmm); REG("mm", Mm); REG("linear", Linear); REG("conv1d", Conv1d);
  REG("conv2d", Conv2d); REG("avgPool1d", AvgPool1d); REG("maxPool1d", MaxPool1d); REG("avgPool2d", AvgPool2d);
  REG("maxPool2d", MaxPool2d); REG("embedding", Embedding); REG("layerNorm", LayerNorm); REG("softmax", Softmax);
  REG("logSoftmax", LogSoftmax); REG("dropout", Dropout); REG("crossEntropy", CrossEntropy); REG("mseLoss", MseLoss);
  REG("bceWithLogits", BceWithLogits); REG("stft", Stft);
}
#undef REG

}  // namespace gnative

// The engine: libtorch tensors, autograd, modules, optimizers and safetensors for TypeScript.
export * from "./tensor.js";
export * from "./scope.js";
export * from "./autograd.js";
export * from "./random.js";
export * from "./module.js";
export * from "./optim.js";
export * from "./runtime.js";
export * as F from "./functional.js";
export * from "./measure.js";
export * from "./safetensors.js";
export * from "./flops.js";

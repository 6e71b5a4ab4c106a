{
  "targets": [
    {
      "target_name": "gamma_native",
      "sources": ["src/addon.cc", "src/tensor.cc", "src/ops.cc", "src/runtime.cc", "src/codecs.cc"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node -p \"require('./libtorch.json').includeDirs.filter(d => d !== '/usr/include').join(' ')\")"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "<!@(node -p \"require('./libtorch.json').defines.join(' ')\")",
        "<!@(node -p \"require('./libtorch.json').codecs.defines.join(' ')\")"
      ],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["<!(node -p \"require('./libtorch.json').cxxStd\")", "-O2", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations"],
      "libraries": [
        "-L<!(node -p \"require('./libtorch.json').libDir\")",
        "-Wl,--no-as-needed",
        "<!@(node -p \"require('./libtorch.json').libs.map(l => '-l' + l).join(' ')\")",
        "-Wl,--as-needed",
        "<!@(node -p \"require('./libtorch.json').codecs.libs.join(' ')\")",
        "<!@(node -p \"require('./libtorch.json').rpath ? '-Wl,-rpath,' + require('./libtorch.json').libDir : ''\")"
      ]
    }
  ]
}

// Audio decoders from system libraries with permissive licences, compiled in when the build finds them:
// libvorbisfile (BSD-3, Ogg Vorbis) and libFLAC (BSD-3, FLAC and Ogg FLAC). Each opened file is a decoder
// object; read(maxFrames) returns interleaved float32 samples block by block, so memory stays bounded.
#include <napi.h>

#include <cstring>
#include <string>
#include <vector>

#ifdef GAMMA_WITH_VORBIS
#include <vorbis/vorbisfile.h>
#endif
#ifdef GAMMA_WITH_FLAC
#include <FLAC/stream_decoder.h>
#endif

#include "common.h"

namespace gnative {

// Common shape of a decoder: its facts and a block reader.
class AudioDecoder : public Napi::ObjectWrap<AudioDecoder> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "AudioDecoder",
                       {InstanceMethod("read", &AudioDecoder::Read), InstanceMethod("close", &AudioDecoder::Close),
                        InstanceAccessor("sampleRate", &AudioDecoder::SampleRate, nullptr),
                        InstanceAccessor("channels", &AudioDecoder::Channels, nullptr),
                        InstanceAccessor("totalFrames", &AudioDecoder::TotalFrames, nullptr),
                        InstanceAccessor("bitsPerSample", &AudioDecoder::Bits, nullptr)});
  }
  explicit AudioDecoder(const Napi::CallbackInfo& info);
  ~AudioDecoder() override { Shutdown(); }

 private:
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }
  Napi::Value SampleRate(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), sampleRate_); }
  Napi::Value Channels(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), channels_); }
  Napi::Value TotalFrames(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(totalFrames_)); }
  Napi::Value Bits(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), bits_); }
  void Shutdown();

  std::string codec_;
  int sampleRate_ = 0, channels_ = 0, bits_ = 0;
  int64_t totalFrames_ = -1;
#ifdef GAMMA_WITH_VORBIS
  OggVorbis_File vf_{};
  bool vorbisOpen_ = false;
#endif
#ifdef GAMMA_WITH_FLAC
  FLAC__StreamDecoder* flac_ = nullptr;
  std::string flacError_;
  bool flacMetadata_ = false;
  static FLAC__StreamDecoderWriteStatus FlacWrite(const FLAC__StreamDecoder*, const FLAC__Frame* frame, const FLAC__int32* const buffer[], void* self);
  static void FlacMetadata(const FLAC__StreamDecoder*, const FLAC__StreamMetadata* meta, void* self);
  static void FlacError(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* self);
#endif
  std::vector<float> pending_;  // decoded but not yet returned (FLAC frames arrive whole)
};

#ifdef GAMMA_WITH_VORBIS
static const char* VorbisError(int code) {
  switch (code) {
    case OV_EREAD: return "a read from the file failed";
    case OV_ENOTVORBIS: return "not Vorbis data";
    case OV_EVERSION: return "unsupported Vorbis version";
    case OV_EBADHEADER: return "invalid Vorbis header (a corrupt or truncated file?)";
    case OV_EFAULT: return "internal decoder error";
    case OV_EBADLINK: return "corrupt link in the Ogg stream";
    default: return "Vorbis decoding failed";
  }
}
#endif

#ifdef GAMMA_WITH_FLAC
FLAC__StreamDecoderWriteStatus AudioDecoder::FlacWrite(const FLAC__StreamDecoder*, const FLAC__Frame* frame,
                                                      const FLAC__int32* const buffer[], void* self) {
  auto* d = static_cast<AudioDecoder*>(self);
  unsigned ch = frame->header.channels, n = frame->header.blocksize;
  if (static_cast<int>(ch) != d->channels_) {
    d->flacError_ = "the channel count changes inside the stream";
    return FLAC__STREAM_DECODER_WRITE_STATUS_ABORT;
  }
  float scale = 1.0f / static_cast<float>(1u << (frame->header.bits_per_sample - 1));
  size_t at = d->pending_.size();
  d->pending_.resize(at + static_cast<size_t>(n) * ch);
  for (unsigned i = 0; i < n; i++)
    for (unsigned c = 0; c < ch; c++) d->pending_[at + static_cast<size_t>(i) * ch + c] = static_cast<float>(buffer[c][i]) * scale;
  return FLAC__STREAM_DECODER_WRITE_STATUS_CONTINUE;
}
void AudioDecoder::FlacMetadata(const FLAC__StreamDecoder*, const FLAC__StreamMetadata* meta, void* self) {
  auto* d = static_cast<AudioDecoder*>(self);
  if (meta->type != FLAC__METADATA_TYPE_STREAMINFO) return;
  d->sampleRate_ = static_cast<int>(meta->data.stream_info.sample_rate);
  d->channels_ = static_cast<int>(meta->data.stream_info.channels);
  d->bits_ = static_cast<int>(meta->data.stream_info.bits_per_sample);
  d->totalFrames_ = meta->data.stream_info.total_samples ? static_cast<int64_t>(meta->data.stream_info.total_samples) : -1;
  d->flacMetadata_ = true;
}
void AudioDecoder::FlacError(const FLAC__StreamDecoder*, FLAC__StreamDecoderErrorStatus status, void* self) {
  auto* d = static_cast<AudioDecoder*>(self);
  if (d->flacError_.empty()) d->flacError_ = FLAC__StreamDecoderErrorStatusString[status];
}
#endif

// new AudioDecoder(path, codec) with codec "vorbis" | "flac" | "ogg-flac"
AudioDecoder::AudioDecoder(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AudioDecoder>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) throw Napi::TypeError::New(env, "AudioDecoder(path, codec)");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  codec_ = info[1].As<Napi::String>().Utf8Value();
  if (codec_ == "vorbis") {
#ifdef GAMMA_WITH_VORBIS
    int rc = ov_fopen(path.c_str(), &vf_);
    if (rc != 0) throw Napi::Error::New(env, VorbisError(rc));
    vorbisOpen_ = true;
    vorbis_info* vi = ov_info(&vf_, -1);
    sampleRate_ = static_cast<int>(vi->rate);
    channels_ = vi->channels;
    bits_ = 0;
    ogg_int64_t total = ov_seekable(&vf_) ? ov_pcm_total(&vf_, -1) : -1;
    totalFrames_ = total >= 0 ? static_cast<int64_t>(total) : -1;
    return;
#else
    throw Napi::Error::New(env, "this build has no Vorbis decoder (libvorbis-dev was missing when the addon was built)");
#endif
  }
  if (codec_ == "flac" || codec_ == "ogg-flac") {
#ifdef GAMMA_WITH_FLAC
    flac_ = FLAC__stream_decoder_new();
    if (!flac_) throw Napi::Error::New(env, "out of memory creating a FLAC decoder");
    auto init = codec_ == "flac"
                    ? FLAC__stream_decoder_init_file(flac_, path.c_str(), FlacWrite, FlacMetadata, FlacError, this)
                    : FLAC__stream_decoder_init_ogg_file(flac_, path.c_str(), FlacWrite, FlacMetadata, FlacError, this);
    if (init != FLAC__STREAM_DECODER_INIT_STATUS_OK) {
      std::string why = FLAC__StreamDecoderInitStatusString[init];
      Shutdown();
      throw Napi::Error::New(env, "cannot open the FLAC stream (" + why + ")");
    }
    if (!FLAC__stream_decoder_process_until_end_of_metadata(flac_) || !flacMetadata_) {
      bool ended = FLAC__stream_decoder_get_state(flac_) == FLAC__STREAM_DECODER_END_OF_STREAM;
      std::string why = !flacError_.empty() ? flacError_ : ended ? "the file ends inside its metadata: truncated?" : "no STREAMINFO block";
      Shutdown();
      throw Napi::Error::New(env, "invalid or truncated FLAC header (" + why + ")");
    }
    return;
#else
    throw Napi::Error::New(env, "this build has no FLAC decoder (libflac-dev was missing when the addon was built)");
#endif
  }
  throw Napi::Error::New(env, "unknown codec '" + codec_ + "'");
}

void AudioDecoder::Shutdown() {
#ifdef GAMMA_WITH_VORBIS
  if (vorbisOpen_) {
    ov_clear(&vf_);
    vorbisOpen_ = false;
  }
#endif
#ifdef GAMMA_WITH_FLAC
  if (flac_) {
    FLAC__stream_decoder_finish(flac_);
    FLAC__stream_decoder_delete(flac_);
    flac_ = nullptr;
  }
#endif
}

// read(maxFrames) -> Float32Array of interleaved samples (empty at the end of the stream)
Napi::Value AudioDecoder::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t maxFrames = I(info, 0);
  std::vector<float> out;
#ifdef GAMMA_WITH_VORBIS
  if (vorbisOpen_) {
    out.reserve(static_cast<size_t>(maxFrames) * channels_);
    int64_t frames = 0;
    int holes = 0;
    while (frames < maxFrames) {
      float** pcm = nullptr;
      int bitstream = 0;
      long n = ov_read_float(&vf_, &pcm, static_cast<int>(std::min<int64_t>(maxFrames - frames, 4096)), &bitstream);
      if (n == 0) break;
      if (n == OV_HOLE) {  // a gap in the data (a damaged page): skip it, as players do
        if (++holes > 1000) throw Napi::Error::New(env, "too many gaps in the Vorbis stream (corrupt data)");
        continue;
      }
      if (n < 0) throw Napi::Error::New(env, VorbisError(static_cast<int>(n)));
      if (ov_info(&vf_, -1)->channels != channels_) throw Napi::Error::New(env, "the channel count changes inside the stream");
      for (long i = 0; i < n; i++)
        for (int c = 0; c < channels_; c++) out.push_back(pcm[c][i]);
      frames += n;
    }
  }
#endif
#ifdef GAMMA_WITH_FLAC
  if (flac_) {
    size_t want = static_cast<size_t>(maxFrames) * channels_;
    while (pending_.size() < want && FLAC__stream_decoder_get_state(flac_) != FLAC__STREAM_DECODER_END_OF_STREAM) {
      if (!FLAC__stream_decoder_process_single(flac_)) {
        std::string why = flacError_.empty() ? FLAC__StreamDecoderStateString[FLAC__stream_decoder_get_state(flac_)] : flacError_;
        throw Napi::Error::New(env, "FLAC decoding failed (" + why + ")");
      }
      if (!flacError_.empty() && flacError_.find("LOST_SYNC") == std::string::npos)
        throw Napi::Error::New(env, "FLAC decoding failed (" + flacError_ + ")");
    }
    size_t take = std::min(want, pending_.size());
    out.assign(pending_.begin(), pending_.begin() + static_cast<long>(take));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(take));
  }
#endif
  auto arr = Napi::Float32Array::New(env, out.size());
  if (!out.empty()) std::memcpy(arr.Data(), out.data(), out.size() * sizeof(float));
  return arr;
}

static Napi::Value Codecs(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
#ifdef GAMMA_WITH_VORBIS
  o.Set("vorbis", true);
#else
  o.Set("vorbis", false);
#endif
#ifdef GAMMA_WITH_FLAC
  o.Set("flac", true);
#else
  o.Set("flac", false);
#endif
  return o;
}

void RegisterCodecs(Napi::Env env, Napi::Object exports) {
  exports.Set("AudioDecoder", AudioDecoder::Define(env));
  Register(env, exports, "codecs", Codecs);
}

}  // namespace gnative

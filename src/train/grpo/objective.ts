// GRPO's arithmetic (Shao et al. 2024, "DeepSeekMath", section 4.1). For each prompt a group of G answers is
// sampled and scored; an answer's advantage is its reward normalised within its group, so no value network is
// needed. The policy then maximises, per answer token, the PPO-clipped policy ratio times the advantage, minus
// beta times an estimate of the KL divergence to a frozen reference model, averaged over each answer's tokens and
// then over the group. The loss is the negative of that objective.
import { cat, ones, type Tensor, tensor } from "../../engine/tensor.js";
import { type DecoderLM, KVCache } from "../../model/llm.js";

/**
 * (r - mean) / std within each run of `groupSize` consecutive rewards (population std). A group whose rewards are
 * all equal carries no signal about which answer is better, so its advantages are exactly 0.
 */
export function groupAdvantages(rewards: readonly number[], groupSize: number): number[] {
  if (!(Number.isInteger(groupSize) && groupSize >= 1) || rewards.length % groupSize !== 0)
    throw new RangeError(`groupAdvantages: ${rewards.length} rewards do not split into groups of ${groupSize}`);
  const out: number[] = [];
  for (let g = 0; g < rewards.length; g += groupSize) {
    const group = rewards.slice(g, g + groupSize);
    const mean = group.reduce((s, r) => s + r, 0) / groupSize;
    const std = Math.sqrt(group.reduce((s, r) => s + (r - mean) ** 2, 0) / groupSize);
    out.push(...group.map((r) => (std < 1e-6 ? 0 : (r - mean) / std)));
  }
  return out;
}

export interface AnswerLogProbs {
  /** log pi(token | prompt, earlier tokens) of each answer token [G, A] (zeros past an answer's end). */
  logp: Tensor;
  /** The policy's entropy at each answer position [G, A], detached (for the log). */
  entropy: Tensor;
  /** 1 on answer tokens, 0 on padding [G, A]. */
  mask: Tensor;
}

/**
 * Teacher-forced log-probabilities of G answers to one prompt [Lp, hidden]. The prompt, most of the sequence
 * (a song is hundreds of audio tokens), goes through the decoder once into a KV cache, which the G answers then
 * share as rows: about G times less work than G full sequences, with gradients flowing through the cache to the
 * prompt. Answers are right-padded (causal attention: padding after a token cannot change it). The distribution is
 * the one answers were sampled from: logits over the first `vocabLimit` ids, divided by the temperature.
 */
export function answerLogProbs(llm: DecoderLM, prompt: Tensor, answers: readonly number[][], o: { temperature: number; vocabLimit?: number }): AnswerLogProbs {
  if (!(o.temperature > 0)) throw new RangeError(`answerLogProbs: the temperature must be above 0, got ${o.temperature}`);
  const g = answers.length;
  const longest = Math.max(1, ...answers.map((a) => a.length));
  const device = prompt.device;
  const ids = tensor(answers.flatMap((a) => [...a, ...new Array<number>(longest - a.length).fill(0)]), { dtype: "int64", device }).view(g, longest);
  const mask = tensor(answers.flatMap((a) => Array.from({ length: longest }, (_, t) => (t < a.length ? 1 : 0))), { dtype: "float32", device }).view(g, longest);
  const promptLength = prompt.size(0), width = prompt.size(1);
  const cache = KVCache.create(llm.config, 1, promptLength + longest, { dtype: prompt.dtype, device });
  let rows: KVCache | undefined;
  let hidden: Tensor;
  try {
    // Answer token 0 is predicted at the prompt's last position, answer token t at the answer's position t - 1.
    const last = llm.forward({ embeds: prompt.unsqueeze(0), cache }).narrow(1, promptLength - 1, 1).expand(g, 1, width);
    if (longest === 1) hidden = last;
    else {
      rows = cache.selectRows(new Array<number>(g).fill(0));
      // The answers are the last `longest` of promptLength + longest keys; keyValid gives them a causal mask aligned so.
      const keyValid = ones([g, promptLength + longest], { dtype: "bool", device });
      const inAnswers = llm.forward({ embeds: llm.embed(ids.narrow(1, 0, longest - 1)), cache: rows, keyValid: keyValid.narrow(1, 0, promptLength + longest - 1) });
      hidden = cat([last, inAnswers], 1);
    }
  } finally {
    cache.dispose(); // the autograd graph keeps what it needs
    rows?.dispose();
  }
  let logits = llm.logits(hidden);
  if (o.vocabLimit !== undefined && o.vocabLimit < logits.size(-1)) logits = logits.narrow(-1, 0, o.vocabLimit);
  const logProbs = logits.div(o.temperature).logSoftmax(-1);
  const logp = logProbs.gather(-1, ids.unsqueeze(-1)).squeeze(-1).mul(mask);
  const detached = logProbs.detach();
  const entropy = detached.exp().mul(detached).sum(-1).neg();
  return { logp, entropy, mask };
}

/** PPO's clipped surrogate per token: min(ratio * A, clip(ratio, 1 - eps, 1 + eps) * A); A broadcasts. */
export function clippedSurrogate(ratio: Tensor, advantages: Tensor, epsilon: number): Tensor {
  return ratio.mul(advantages).minimum(ratio.clamp(1 - epsilon, 1 + epsilon).mul(advantages));
}

/**
 * Schulman's k3 estimator of KL(pi || pi_ref) from a token sampled from pi: exp(d) - d - 1 with
 * d = log pi_ref - log pi. Unbiased, never negative, and 0 exactly where the two agree.
 */
export function klK3(logp: Tensor, refLogp: Tensor): Tensor {
  const d = refLogp.sub(logp);
  return d.exp().sub(d).sub(1);
}

/** Mean over each row's masked positions, then over rows: every answer counts the same whatever its length. */
export function sequenceMean(x: Tensor, mask: Tensor): Tensor {
  return x.mul(mask).sum(1).div(mask.sum(1).clamp(1)).mean();
}

export interface GrpoTerms {
  /** The current policy's log-probs [G, A] (with gradients). */
  logp: Tensor;
  /** The sampling-time policy's log-probs [G, A]. */
  oldLogp: Tensor;
  /** The reference model's log-probs [G, A]. */
  refLogp: Tensor;
  mask: Tensor;
  /** One per answer [G]. */
  advantages: Tensor;
  clipEpsilon: number;
  klBeta: number;
}

export interface GrpoLoss {
  loss: Tensor;
  /** Mean k3 KL to the reference (per answer, then over the group). */
  kl: number;
  /** Share of answer tokens whose gradient the clip removed (ratio beyond 1 +- eps on the advantage's side). */
  clipFraction: number;
}

export function grpoLoss(t: GrpoTerms): GrpoLoss {
  const ratio = t.logp.sub(t.oldLogp).exp();
  const advantages = t.advantages.view(-1, 1);
  const kl = klK3(t.logp, t.refLogp);
  const objective = clippedSurrogate(ratio, advantages, t.clipEpsilon).sub(kl.mul(t.klBeta));
  const loss = sequenceMean(objective, t.mask).neg();
  const clipped = ratio.gt(1 + t.clipEpsilon).logicalAnd(advantages.gt(0)).logicalOr(ratio.lt(1 - t.clipEpsilon).logicalAnd(advantages.lt(0)));
  const clipFraction = clipped.to("float32").mul(t.mask).sum().item() / Math.max(1, t.mask.sum().item());
  return { loss, kl: sequenceMean(kl.detach(), t.mask).item(), clipFraction };
}

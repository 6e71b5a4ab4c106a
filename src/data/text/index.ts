// Text from facts: everything the model is trained and tested on is written here from a SongAnnotation.
export { captions } from "./captions.js";
export { report } from "./report.js";
export { dialogue, type Turn } from "./dialogue.js";
export { mcqs, MCQ_CATEGORIES, type Mcq, type McqOptions } from "./mcq.js";
export {
  balanceAnswers, bagOfWordsAccuracy, biasReport, longestOptionAccuracy, mostFrequentAnswerPerCategoryAccuracy,
  positionHistogram, shortestOptionAccuracy, trainBagOfWords, type BiasReport,
} from "./bias.js";

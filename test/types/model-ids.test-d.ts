import { describe, expectTypeOf, it } from 'vitest';
import type { ModelId } from '../../src/config/schema-helpers.js';
import type { CartesiaTTSModel } from '../../src/providers/cartesia/cartesia-tts-options.js';
import type { DeepgramSTTModel } from '../../src/providers/deepgram/deepgram-stt-options.js';
import type { ElevenLabsTTSModel } from '../../src/providers/elevenlabs/elevenlabs-tts-options.js';
import type { InferenceLLMModel } from '../../src/providers/inference/inference-llm-options.js';
import type { InferenceSTTModel } from '../../src/providers/inference/inference-stt-options.js';
import type { InferenceTTSModel } from '../../src/providers/inference/inference-tts-options.js';
import type { OpenAIChatModel } from '../../src/providers/openai/openai-llm-options.js';
import type { OpenAITranscriptionModel } from '../../src/providers/openai/openai-stt-options.js';
import type { OpenAITTSModel } from '../../src/providers/openai/openai-tts-options.js';
import type {
  CartesiaTTSConfig,
  DeepgramSTTConfig,
  ElevenLabsTTSConfig,
  InferenceLLMConfig,
  InferenceSTTConfig,
  InferenceTTSConfig,
  OpenAILLMConfig,
  OpenAISTTConfig,
  OpenAITTSConfig,
  VoiceStackConfig,
} from '../../src/index.js';

type Model<Entry extends { model?: unknown }> = Exclude<Entry['model'], undefined>;

describe('model ids', () => {
  it('are typed as the known ids (what editors suggest) …', () => {
    expectTypeOf<Model<OpenAILLMConfig>>().toEqualTypeOf<ModelId<OpenAIChatModel>>();
    expectTypeOf<Model<OpenAISTTConfig>>().toEqualTypeOf<ModelId<OpenAITranscriptionModel>>();
    expectTypeOf<Model<OpenAITTSConfig>>().toEqualTypeOf<ModelId<OpenAITTSModel>>();
    expectTypeOf<Model<DeepgramSTTConfig>>().toEqualTypeOf<ModelId<DeepgramSTTModel>>();
    expectTypeOf<Model<CartesiaTTSConfig>>().toEqualTypeOf<ModelId<CartesiaTTSModel>>();
    expectTypeOf<Model<ElevenLabsTTSConfig>>().toEqualTypeOf<ModelId<ElevenLabsTTSModel>>();
    expectTypeOf<Model<InferenceLLMConfig>>().toEqualTypeOf<ModelId<InferenceLLMModel>>();
    expectTypeOf<Model<InferenceSTTConfig>>().toEqualTypeOf<ModelId<InferenceSTTModel>>();
    expectTypeOf<Model<InferenceTTSConfig>>().toEqualTypeOf<ModelId<InferenceTTSModel>>();
    // The known ids are literals (a plain `string` would suggest nothing), and hold the defaults.
    expectTypeOf<Model<OpenAILLMConfig>>().not.toEqualTypeOf<string>();
    expectTypeOf<'gpt-4.1-mini'>().toExtend<OpenAIChatModel>();
    expectTypeOf<string>().not.toExtend<OpenAIChatModel>();
    expectTypeOf<'gpt-4o-transcribe'>().toExtend<OpenAITranscriptionModel>();
    expectTypeOf<'gpt-4o-mini-tts'>().toExtend<OpenAITTSModel>();
    expectTypeOf<'nova-3'>().toExtend<DeepgramSTTModel>();
    expectTypeOf<'sonic-3' | 'sonic-turbo'>().toExtend<CartesiaTTSModel>();
    expectTypeOf<'eleven_turbo_v2_5' | 'eleven_flash_v2_5'>().toExtend<ElevenLabsTTSModel>();
  });

  it('… and accept any other string, for models newer than this package', () => {
    for (const model of [
      {} as Model<OpenAILLMConfig>,
      {} as Model<OpenAISTTConfig>,
      {} as Model<OpenAITTSConfig>,
      {} as Model<DeepgramSTTConfig>,
      {} as Model<CartesiaTTSConfig>,
      {} as Model<ElevenLabsTTSConfig>,
      {} as Model<InferenceLLMConfig>,
      {} as Model<InferenceSTTConfig>,
      {} as Model<InferenceTTSConfig>,
    ]) {
      expectTypeOf(model).toExtend<string>();
    }
    expectTypeOf<string>().toExtend<Model<OpenAILLMConfig>>();
    expectTypeOf<string>().toExtend<Model<DeepgramSTTConfig>>();
    expectTypeOf<string>().toExtend<Model<InferenceSTTConfig>>();
    const config = {
      stt: [
        { provider: 'inference', model: 'deepgram/nova-3:fr' },
        { provider: 'deepgram', model: 'nova-4-preview' },
      ],
      llm: { provider: 'openai', model: 'gpt-6' },
      tts: [
        { provider: 'cartesia', model: 'sonic-4' },
        { provider: 'elevenlabs', model: 'eleven_v4' },
      ],
    } satisfies VoiceStackConfig;
    expectTypeOf(config).toExtend<VoiceStackConfig>();
  });
});

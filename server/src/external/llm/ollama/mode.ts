// How generation should talk to a model, from what /api/show says about it: raw completion on
// /api/generate for base and code-completion models (no chat template), fill-in-the-middle
// (`suffix`) where the template supports it, /api/chat with a system message for instruct models.

import type { ModelInfo } from './model-info.js';

export type GenerationMode = 'generate' | 'fim' | 'chat';
export type GenerationModeSetting = 'auto' | GenerationMode;

export function chooseGenerationMode(info: Pick<ModelInfo, 'capabilities' | 'template'>): { mode: GenerationMode; why: string } {
  const template = info.template.trim();
  if (info.capabilities.includes('insert') || /\.Suffix\b/.test(template)) {
    return { mode: 'fim', why: 'the model\'s template supports fill-in-the-middle (suffix)' };
  }
  if (template === '' || template === '{{ .Prompt }}') {
    return { mode: 'generate', why: 'the model has no chat template (a base or completion model)' };
  }
  if (/\.Messages\b|\.System\b|<\|im_start\|>|\[INST\]|<start_of_turn>|<\|start_header_id\|>/.test(template)) {
    return { mode: 'chat', why: 'the model has a chat template (an instruct model)' };
  }
  return { mode: 'generate', why: 'raw completion' };
}

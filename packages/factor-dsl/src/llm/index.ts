/** LLM factor generation: prompt from the operator table, chat-completions client, screening, provenance. */
export {};
